import type {
  ChatCompletion,
  ChatCompletionChunk,
  ChatCompletionRequest,
  EmbeddingRequest,
  EmbeddingResponse,
  Model,
} from '@switchyard/protocol';

/** Structured log sink handed to adapters; every line it writes carries the request id. */
export interface Logger {
  debug(message: string, fields?: Record<string, unknown>): void;
  info(message: string, fields?: Record<string, unknown>): void;
  warn(message: string, fields?: Record<string, unknown>): void;
  error(message: string, fields?: Record<string, unknown>): void;
}

/** What the server tells an adapter about the request it is serving. */
export interface AdapterContext {
  /** The request id (from `x-request-id` or generated); include it in upstream calls and logs. */
  readonly requestId: string;
  /** Fires as soon as the client disconnects or the deadline passes: stop upstream work at once. */
  readonly signal: AbortSignal;
  /** Epoch milliseconds after which the answer is no longer wanted, when there is one. */
  readonly deadline: number | undefined;
  readonly logger: Logger;
  /**
   * Per-request state shared with the server's hooks (`authenticate`, `beforeCompletion`,
   * `onResponseHeaders`, `onFinish`): e.g. a gateway stores the principal here and its router
   * writes back which deployment answered.
   */
  readonly locals: Record<string, unknown>;
  /**
   * The front door the request came in through (`'chat.completions'`, `'messages'`…) and what it
   * decoded from the body: an adapter speaking that same wire protocol natively may pass the
   * request through instead of converting the canonical one. Absent when the server has no doors.
   */
  readonly frontDoor?: { readonly name: string; readonly native: unknown };
}

/** What the server tells an adapter when it lists models. */
export interface ListModelsContext {
  readonly signal: AbortSignal;
  /** Set when listing for a request (`GET /v1/models`), not when the server builds its model index. */
  readonly requestId?: string;
  /** The request's shared state (see {@link AdapterContext.locals}), when listing for a request. */
  readonly locals?: Record<string, unknown>;
}

/** What an adapter can do; the conformance kit skips, with a visible reason, what is not claimed. */
export interface AdapterCapabilities {
  readonly tools?: boolean;
  readonly jsonSchema?: boolean;
  readonly thinking?: boolean;
  /** Supports `n > 1`. */
  readonly multipleChoices?: boolean;
  readonly stop?: boolean;
  /** Same request, same answer: lets the kit compare the accumulated stream with the whole answer. */
  readonly deterministic?: boolean;
  /**
   * Front doors (`'messages'`) whose wire protocol this adapter speaks natively: it passes their
   * requests through (see `AdapterContext.frontDoor`), so fields the canonical request cannot
   * carry may reach it.
   */
  readonly nativeDoors?: readonly string[];
}

/**
 * The adapter contract, version 1: turns a validated chat-completions request into an answer from
 * some backend. Implement `complete`, `stream`, or both; the server derives the missing mode with
 * the protocol accumulator (stream → completion) or de-accumulator (completion → chunks).
 *
 * Rules:
 * - Fail with a `ProtocolError` from `@switchyard/protocol` (`isRetryable` says whether another
 *   attempt can help; `streamStarted` whether chunks were already yielded). Anything else thrown is
 *   reported to the client as a 500 without its message.
 * - `stream` yields chunks in wire shape. Yield a final usage chunk (`choices: []`) whenever usage
 *   is known, whatever `stream_options.include_usage` says: the server strips it for clients that
 *   did not ask, and the gateway meters it.
 * - Errors thrown before the first chunk become real HTTP errors; after it, one error event.
 * - Honour `context.signal`: when it fires, abort upstream I/O and return or throw promptly.
 *
 * @example
 * const echo: ChatAdapter = {
 *   specificationVersion: 'v1',
 *   provider: 'echo',
 *   async listModels() {
 *     return [{ id: 'echo', object: 'model', created: 0, owned_by: 'me' }];
 *   },
 *   async complete(request) {
 *     const last = request.messages.at(-1);
 *     return { id: 'chatcmpl-1', object: 'chat.completion', created: 0, model: request.model,
 *       choices: [{ index: 0, message: { role: 'assistant', content: String(last?.content) },
 *         logprobs: null, finish_reason: 'stop' }] };
 *   },
 * };
 */
export interface ChatAdapter {
  readonly specificationVersion: 'v1';
  /** A short provider name, e.g. `simulator` or `token360`; used in logs and metrics. */
  readonly provider: string;
  readonly capabilities?: AdapterCapabilities;
  /** The models this adapter serves, in the wire shape of `GET /v1/models`. */
  listModels(context: ListModelsContext): Promise<Model[]>;
  complete?(request: ChatCompletionRequest, context: AdapterContext): Promise<ChatCompletion>;
  stream?(request: ChatCompletionRequest, context: AdapterContext): AsyncIterable<ChatCompletionChunk>;
  /**
   * Counts the input tokens of `request` as the upstream would (Anthropic's `count_tokens`).
   * Optional: a server without it estimates. Like `complete`, it may read `context.frontDoor`.
   */
  countTokens?(request: ChatCompletionRequest, context: AdapterContext): Promise<number>;
  /**
   * Embeddings (`POST /v1/embeddings`), for adapters whose backend has embedding models. Answer
   * with one vector per input, in input order, encoded as `request.encoding_format` asks (float by
   * default, base64 of little-endian float32), of `request.dimensions` when given, with `usage`
   * when known. Refuse a model that does not embed (and `complete`/`stream` refuse an embedding
   * model) with a 400 `BadRequestError` (`code: 'invalid_request'`, `param: 'model'`).
   */
  embed?(request: EmbeddingRequest, context: AdapterContext): Promise<EmbeddingResponse>;
}
