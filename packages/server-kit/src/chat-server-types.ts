import type { ChatAdapter, Logger } from '@switchyard/adapter-kit';
import type { ChatCompletionRequest, Model, ProtocolError, Usage } from '@switchyard/protocol';
import type { DoorRouteAnswer, FrontDoor } from './front-door.js';

/**
 * The protocol route a request is on: a door's name for its completion route
 * (`'chat.completions'`, `'messages'`…), a door route's name, or one of the models routes.
 */
export type ChatRoute = 'chat.completions' | 'models.list' | 'models.retrieve' | (string & {});

/** Per-request state an app keeps beside the server's own (hono's `c.var`): see `createLocals`. */
export type Locals = Record<string, unknown>;

/**
 * A request as the server core sees it, independent of any framework. Bindings build it from a
 * web `Request` (`server.fetch`) or from node's `IncomingMessage` (`createNodeHandler`).
 */
export interface ChatServerRequest {
  readonly method: string;
  /** Path with an optional query string (`/v1/models?x=1`) or an absolute URL. */
  readonly url: string;
  /** A request header by lower-case name. */
  header(name: string): string | undefined;
  /** The raw body. The server stops reading at `bodyLimit`. */
  readonly body: AsyncIterable<Uint8Array> | null;
  /**
   * A body some middleware already parsed (e.g. `express.json()`); used instead of `body` when
   * not `undefined`. A string or bytes are parsed as JSON text.
   */
  readonly parsedBody?: unknown;
  /** Fires when the client goes away (or give {@link onClientGone} instead). */
  readonly signal?: AbortSignal;
  /**
   * For bindings that learn of a departed client from a callback, such as node's `close` event:
   * called once with the function to call when the client goes away. Saves an `AbortController`
   * per request. Used when `signal` is not given.
   */
  readonly onClientGone?: (gone: () => void) => void;
}

/**
 * Receives the SSE frames of a streaming answer. `write` returns false when the consumer is
 * saturated; the server then waits on `drain` before writing more.
 */
export interface SSEWriter {
  write(frame: string): boolean;
  /** Resolves when more can be written, or when the client has gone away. */
  drain(): Promise<void>;
}

interface ResultBase {
  readonly status: number;
  readonly headers: Record<string, string>;
  /** False when no protocol route matched: the binding may hand the request to someone else. */
  readonly matched: boolean;
}

/** A whole answer or an error: `body` is JSON text. */
export interface JsonResult extends ResultBase {
  readonly type: 'json';
  readonly body: string;
}

/**
 * A streaming answer. The binding sends `status` and `headers`, then calls `pipe` exactly once;
 * `pipe` writes every frame (keep-alives, chunks, `[DONE]` or one error event) and resolves when
 * the response should end. It never rejects.
 */
export interface StreamResult extends ResultBase {
  readonly type: 'stream';
  pipe(writer: SSEWriter): Promise<void>;
}

/** What the core answers; bindings serialise it to their response type. */
export type ChatServerResult = JsonResult | StreamResult;

/**
 * The state of one request, handed to every hook. Fields fill in as the request advances:
 * `principal` after `authenticate`, `request` after validation, `adapter` once resolved.
 * `Vars` types `locals`, the app's own per-request state.
 */
export interface ChatRequestContext<Vars extends Locals = Locals> {
  readonly requestId: string;
  readonly route: ChatRoute;
  readonly method: string;
  readonly path: string;
  /** A request header by lower-case name. */
  header(name: string): string | undefined;
  /** The front door the request came through; undefined on the models routes. */
  readonly door: FrontDoor | undefined;
  /** The caller's key (the door's `apiKey`, by default the `Authorization` bearer token), or null. Never log it. */
  readonly apiKey: string | null;
  /** What `authenticate` returned; undefined when there is no `authenticate` hook. */
  readonly principal: unknown;
  /** The canonical request of a completion, once the door decoded it. */
  readonly request: ChatCompletionRequest | undefined;
  /** The adapter serving the request, once resolved. */
  readonly adapter: ChatAdapter | undefined;
  /** The app's per-request state, from `createLocals` (shared with the adapter as `AdapterContext.locals`). */
  readonly locals: Vars;
  /** Epoch milliseconds when the request arrived. */
  readonly startedAt: number;
  /** `performance.now()` when the request arrived: for sub-millisecond durations. */
  readonly receivedAt: number;
  /** Fires when the client disconnects or the deadline passes. */
  readonly signal: AbortSignal;
  /** Adds a header to the response, success or error; ignored once the status line went out. */
  setHeader(name: string, value: string): void;
}

/** The outcome of one request on a protocol route, reported once by `onFinish`. */
export interface ChatFinishEvent<Vars extends Locals = Locals> {
  readonly context: ChatRequestContext<Vars>;
  /** The HTTP status sent: a stream that failed after its first chunk still reports 200. */
  readonly status: number;
  /** Why the request failed, before or after the first chunk; undefined on success. */
  readonly error: ProtocolError | undefined;
  /** True when the error came as an event inside a stream that had already started. */
  readonly errorInStream: boolean;
  /** Final usage (after `transformUsage`), whether or not the client asked for it. */
  readonly usage: Usage | undefined;
  readonly streamed: boolean;
  /** True when the client went away before the answer was complete. */
  readonly aborted: boolean;
  readonly startedAt: number;
  /** Epoch ms of the first chunk from the adapter (streams) or of the whole answer. */
  readonly firstChunkAt: number | undefined;
  readonly endedAt: number;
}

/**
 * Options of {@link createChatServer}. Every hook is optional; a throwing hook fails the request.
 * The hooks run in this order: `authenticate`, (the door decodes the body) `resolveAdapter`,
 * `beforeCompletion`, (the adapter answers) `onResponseHeaders`, `transformUsage`, `onFinish`.
 */
export interface ChatServerOptions<Vars extends Locals = Locals> {
  /**
   * The adapters to serve. `GET /v1/models` lists the models of all of them, and a request for a
   * model goes to the adapter that lists it (unless `resolveAdapter` is given).
   */
  readonly adapters?: readonly ChatAdapter[];
  /**
   * Wire protocols served besides `/v1/chat/completions` (always served), each over the same
   * hooks and adapters: see {@link FrontDoor}.
   */
  readonly doors?: readonly FrontDoor[];
  /** A request's fresh `locals` (default: an empty object). */
  createLocals?(): Vars;
  /**
   * Picks the adapter for a model id instead of the adapters' model lists. Return undefined for
   * an unknown model (404 `model_not_found`), or throw a `ProtocolError`.
   */
  resolveAdapter?(
    model: string,
    context: ChatRequestContext<Vars>,
  ): ChatAdapter | undefined | Promise<ChatAdapter | undefined>;
  /**
   * The models `GET /v1/models` shows this caller, instead of the adapters' lists (e.g. narrowed
   * to what the caller's key may use); for `GET /v1/models/:id`, `modelId` is the id asked for
   * (throw a `ProtocolError` to refuse it, or leave it out of the list for a 404).
   */
  listModels?(
    context: ChatRequestContext<Vars>,
    modelId: string | undefined,
  ): readonly Model[] | Promise<readonly Model[]>;
  /**
   * Checks the caller before any body is read. Return the principal (anything but
   * undefined/null); return undefined/null or throw `AuthenticationError` for a 401. Runs on every
   * protocol route.
   */
  authenticate?(context: ChatRequestContext<Vars>): unknown;
  /**
   * Runs after validation and model resolution, right before the adapter. Throw to refuse; return
   * an adapter to answer with it instead of the resolved one (a cache hit, a recording wrapper…).
   */
  beforeCompletion?(
    context: ChatRequestContext<Vars>,
  ): ChatAdapter | undefined | Promise<ChatAdapter | undefined> | void | Promise<void>;
  /**
   * Called right before the status line goes out (answer ready, first chunk ready, or error);
   * set headers with `context.setHeader`.
   */
  onResponseHeaders?(context: ChatRequestContext<Vars>, response: { readonly status: number }): void;
  /** Rewrites the final usage (e.g. adds `cost`) in whole answers and in the stream's usage chunk. */
  transformUsage?(usage: Usage, context: ChatRequestContext<Vars>): Usage;
  /**
   * Called exactly once per protocol request: just before the answer's last bytes (a JSON body, or
   * a stream's usage chunk and `[DONE]`), or when it failed. A returned promise holds those last
   * bytes until it settles, e.g. until a ledger row is committed; a rejection is logged. Must not throw.
   */
  onFinish?(event: ChatFinishEvent<Vars>): unknown;
  /** Largest accepted body in bytes (default 4 MiB); larger ones get 413. */
  readonly bodyLimit?: number;
  /**
   * Largest answer in bytes per chat completion (default 64 MiB): the JSON body, or all of a
   * stream's events. A larger answer is a 502 `bad_response` envelope; a stream that grows past it
   * ends with a `bad_response` error event and its upstream call is stopped.
   */
  readonly responseLimit?: number;
  /** Milliseconds between keep-alive comments on an idle stream (default 15 000). */
  readonly keepAliveMs?: number;
  /** Total time allowed per chat completion, in ms; passed to adapters as the deadline. */
  readonly timeoutMs?: number;
  /** Receives one line per finished request and is handed, per request, to adapters. */
  readonly logger?: Logger;
}

/** A protocol server: route, validate, call the adapter, answer. */
export interface ChatServer {
  /**
   * `error` as the clients of `url`'s front door expect it (Anthropic's envelope on
   * `/v1/messages`…; the chat completions envelope elsewhere): for refusals answered before the
   * server, such as a load shedder's 503.
   */
  encodeError(url: string, error: ProtocolError): DoorRouteAnswer;
  /** Answers a web `Request` (Hono, Bun, Deno, Next.js route handlers, `node:http` via a bridge…). */
  fetch(request: Request): Promise<Response>;
  /** The framework-free core used by the bindings. */
  handle(request: ChatServerRequest): Promise<ChatServerResult>;
}
