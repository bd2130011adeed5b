import type { ChatAdapter, Logger } from '@switchyard/adapter-kit';
import {
  AbortError,
  type ChatCompletionRequest,
  ErrorCode,
  type ProtocolError,
  TimeoutError,
  type Usage,
} from '@switchyard/protocol';
import { bearerToken } from './authorization.js';
import type {
  ChatFinishEvent,
  ChatRequestContext,
  ChatRoute,
  ChatServerOptions,
  Locals,
} from './chat-server-types.js';
import type { FrontDoor } from './front-door.js';
import { childLogger } from './logger.js';

/** What a finished request reports, besides the context. */
export interface Outcome {
  status: number;
  error?: ProtocolError | undefined;
  errorInStream?: boolean;
  usage?: Usage | undefined;
  streamed?: boolean;
  firstChunkAt?: number | undefined;
}

/**
 * One request on a protocol route: the context the hooks see, the response headers gathered so
 * far, the abort signal (client gone or deadline) and the once-only finish report.
 */
export class RequestState<Vars extends Locals = Locals> implements ChatRequestContext<Vars> {
  readonly requestId: string;
  readonly route: ChatRoute;
  readonly door: FrontDoor | undefined;
  readonly method: string;
  readonly path: string;
  readonly header: (name: string) => string | undefined;
  readonly apiKey: string | null;
  readonly locals: Vars;
  readonly startedAt = Date.now();
  readonly receivedAt = performance.now();
  readonly logger: Logger;
  readonly headers: Record<string, string>;
  principal: unknown = undefined;
  request: ChatCompletionRequest | undefined = undefined;
  /** What the door decoded besides the canonical request (see `FrontDoor.decode`). */
  native: unknown = undefined;
  adapter: ChatAdapter | undefined = undefined;
  deadline: number | undefined = undefined;
  /** True once the status line is committed: headers set later are ignored. */
  committed = false;
  readonly #controller = new AbortController();
  readonly #clientSignal: AbortSignal | undefined;
  readonly #options: ChatServerOptions<Vars>;
  #clientGone = false;
  #timer: ReturnType<typeof setTimeout> | undefined;
  #finished = false;
  #settled: Promise<void> | undefined;

  readonly #onClientAbort = () => {
    if (this.#finished) return;
    this.#clientGone = true;
    this.#controller.abort(
      new AbortError({
        message: 'The client closed the connection.',
        code: ErrorCode.aborted,
        requestId: this.requestId,
      }),
    );
  };

  constructor(init: {
    requestId: string;
    route: ChatRoute;
    door: FrontDoor | undefined;
    method: string;
    path: string;
    header: (name: string) => string | undefined;
    clientSignal: AbortSignal | undefined;
    onClientGone: ((gone: () => void) => void) | undefined;
    options: ChatServerOptions<Vars>;
    logger: Logger;
  }) {
    this.requestId = init.requestId;
    this.route = init.route;
    this.door = init.door;
    this.method = init.method;
    this.path = init.path;
    this.header = init.header;
    this.apiKey = init.door?.apiKey
      ? init.door.apiKey(init.header)
      : bearerToken(init.header('authorization'));
    this.locals = init.options.createLocals?.() ?? ({} as Vars);
    this.headers = { 'x-request-id': init.requestId };
    this.logger = childLogger(init.logger, { request_id: init.requestId });
    this.#options = init.options;
    const clientSignal = init.clientSignal;
    this.#clientSignal = clientSignal;
    if (clientSignal?.aborted) this.#onClientAbort();
    else if (clientSignal) clientSignal.addEventListener('abort', this.#onClientAbort, { once: true });
    else init.onClientGone?.(this.#onClientAbort);
  }

  get signal(): AbortSignal {
    return this.#controller.signal;
  }

  get clientGone(): boolean {
    return this.#clientGone;
  }

  setHeader(name: string, value: string): void {
    if (!this.committed) this.headers[name.toLowerCase()] = value;
  }

  /** Starts the total-time budget of a chat completion. */
  startDeadline(timeoutMs: number | undefined): void {
    if (timeoutMs === undefined || timeoutMs <= 0) return;
    this.deadline = this.startedAt + timeoutMs;
    const remaining = Math.max(0, this.deadline - Date.now());
    this.#timer = setTimeout(() => {
      this.#controller.abort(
        new TimeoutError({
          message: `The request did not complete within ${timeoutMs} ms.`,
          code: ErrorCode.timeout,
          requestId: this.requestId,
        }),
      );
    }, remaining);
    (this.#timer as { unref?: () => void }).unref?.();
  }

  /**
   * Runs `onResponseHeaders` and freezes the headers. A throwing hook fails a success response
   * (the caller turns it into an error) but is only logged while an error is being answered.
   */
  commit(status: number, answeringError: boolean): void {
    if (this.committed) return;
    try {
      this.#options.onResponseHeaders?.(this, { status });
    } catch (error) {
      if (!answeringError) throw error;
      this.logger.error('onResponseHeaders failed', { error: String(error) });
    } finally {
      this.committed = true;
    }
  }

  /** What `onFinish` returned, once it was called: the answer's last bytes wait for it. */
  get settled(): Promise<void> | undefined {
    return this.#settled;
  }

  /**
   * Reports the outcome once: `onFinish`, then one log line. Returns the promise `onFinish`
   * returned (rejections logged), if it returned one.
   */
  finish(outcome: Outcome): Promise<void> | undefined {
    if (this.#finished) return undefined;
    this.#finished = true;
    clearTimeout(this.#timer);
    this.#clientSignal?.removeEventListener('abort', this.#onClientAbort);
    const endedAt = Date.now();
    const event: ChatFinishEvent<Vars> = {
      context: this,
      status: outcome.status,
      error: outcome.error,
      errorInStream: outcome.errorInStream ?? false,
      usage: outcome.usage,
      streamed: outcome.streamed ?? false,
      aborted: this.#clientGone,
      startedAt: this.startedAt,
      firstChunkAt: outcome.firstChunkAt,
      endedAt,
    };
    try {
      const pending = this.#options.onFinish?.(event);
      if (pending instanceof Promise) {
        this.#settled = pending.then(undefined, (error: unknown) => {
          this.logger.error('onFinish failed', { error: String(error) });
        });
      }
    } catch (error) {
      this.logger.error('onFinish failed', { error: String(error) });
    }
    const fields: Record<string, unknown> = {
      route: this.route,
      status: outcome.status,
      latency_ms: endedAt - this.startedAt,
    };
    if (this.request) fields.model = this.request.model;
    if (outcome.streamed) fields.stream = true;
    if (outcome.firstChunkAt !== undefined) fields.ttft_ms = outcome.firstChunkAt - this.startedAt;
    if (outcome.usage) fields.total_tokens = outcome.usage.total_tokens;
    if (this.#clientGone) fields.aborted = true;
    if (outcome.error) {
      fields.error_code = outcome.error.code;
      if (outcome.error.status >= 500 && !this.#clientGone) {
        this.logger.error('request failed', { ...fields, error: outcome.error.message });
        return this.#settled;
      }
    }
    this.logger.info('request finished', fields);
    return this.#settled;
  }
}
