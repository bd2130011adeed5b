import type {
  ChatCompletion,
  ChatCompletionChunk,
  ChatCompletionRequest,
  ProtocolError,
  Usage,
} from '@switchyard/protocol';

/**
 * What a front door sees of the request it is serving. Its fields fill in as the request
 * advances: `principal` once authenticated.
 */
export interface DoorContext {
  readonly requestId: string;
  /** A request header by lower-case name. */
  header(name: string): string | undefined;
  /** What `authenticate` returned (undefined without an `authenticate` hook). */
  readonly principal: unknown;
  /** Fires when the client disconnects or the deadline passes. */
  readonly signal: AbortSignal;
}

/** What a door made of one request body. */
export interface DecodedRequest<Native> {
  /** The canonical chat-completions request the pipeline serves (already valid). */
  readonly request: ChatCompletionRequest;
  /** What the door keeps to encode the answer in its own wire format (the original body, ids…). */
  readonly native: Native;
}

/**
 * Turns one streamed answer into a door's SSE frames. The server calls `start` once the 200 is
 * committed, `chunk` per canonical chunk (usage removed: it arrives in `end`), then either `end`
 * after the last chunk or `error` for a failure after the stream started. Each returns complete
 * SSE frames (`event: …\ndata: …\n\n`), possibly none (`''`).
 */
export interface StreamEncoder {
  start(): string;
  chunk(chunk: ChatCompletionChunk): string;
  /**
   * `usage` is the final usage (after `transformUsage`), undefined when the upstream gave none;
   * `usageChunk` the canonical chunk that carried it (its id, model, created…).
   */
  end(usage: Usage | undefined, usageChunk: ChatCompletionChunk | undefined): string | Promise<string>;
  error(error: ProtocolError): string;
}

/** An answer on one of a door's extra routes (`count_tokens`, `GET /v1/responses/{id}`…). */
export interface DoorRouteAnswer {
  readonly status: number;
  /** Serialised as JSON. */
  readonly body: unknown;
}

/**
 * One extra route of a door, served after authentication: anything that is not a completion
 * (counting tokens, reading a stored response, embeddings).
 */
export interface DoorRoute {
  /** Stable name, reported as the request's `route` (logs, ledger rows, metrics): `'messages.count_tokens'`. */
  readonly name: string;
  readonly method: 'GET' | 'POST' | 'DELETE';
  /** The route's parameters when `path` (query string removed) is this route's, else undefined. */
  match(path: string): Readonly<Record<string, string>> | undefined;
  /** `body` is the parsed JSON body for POST routes, undefined otherwise. Throw a `ProtocolError` to refuse. */
  handle(call: {
    readonly context: DoorContext;
    readonly params: Readonly<Record<string, string>>;
    readonly body: unknown;
  }): Promise<DoorRouteAnswer>;
}

/**
 * A wire protocol served over the canonical chat-completions pipeline: the door decodes its
 * request into a canonical {@link ChatCompletionRequest} and encodes the canonical answer, chunk
 * stream and errors back into its own format. Authentication, hooks, the adapter call, keep-alives,
 * backpressure, response limits and `onFinish` are the server's, the same for every door.
 * `/v1/chat/completions` is itself a door (`chatCompletionsDoor`).
 */
export interface FrontDoor<Native = unknown> {
  /** Stable name, reported as the request's `route` (logs, ledger rows, metrics): `'messages'`. */
  readonly name: string;
  /** The path of its completion route (POST); a query string is ignored. */
  readonly path: string;
  /** The caller's key from the request headers; by default the `Authorization: Bearer` token. */
  apiKey?(header: (name: string) => string | undefined): string | null;
  /** Validates and converts a parsed JSON body. Throw a `ProtocolError` naming the field to refuse. */
  decode(body: unknown, context: DoorContext): DecodedRequest<Native> | Promise<DecodedRequest<Native>>;
  /** The door's JSON body for a complete answer. */
  encodeCompletion(
    completion: ChatCompletion,
    native: Native,
    context: DoorContext,
  ): unknown | Promise<unknown>;
  /** A fresh encoder for one streamed answer. */
  streamEncoder(native: Native, context: DoorContext): StreamEncoder;
  /** The error as this door's clients expect it: status and JSON body. */
  encodeError(error: ProtocolError): DoorRouteAnswer;
  /** Routes besides the completion route, answered with this door's error envelope. */
  readonly routes?: readonly DoorRoute[];
}
