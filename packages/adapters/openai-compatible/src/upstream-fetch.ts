import {
  AbortError,
  ConnectionError,
  createProtocolError,
  type ProtocolError,
  TimeoutError,
} from '@switchyard/protocol';

/** Time limits for one upstream call, in milliseconds. */
export interface TimeoutSettings {
  /** The whole call, body included. Default 600 000 (10 min, as openai-node). */
  total?: number;
  /**
   * Until the upstream sends response headers: connecting plus the upstream's queueing. A
   * non-stream upstream sends its headers only once the answer is generated, so keep this above
   * the slowest answer you expect, or leave it unset and rely on `total`. Default: unset.
   */
  headers?: number;
  /** Longest silence allowed between two body reads (a stalled stream). Default: unset. */
  idle?: number;
}

/** The default total timeout (10 minutes, as openai-node). */
const DEFAULT_TOTAL_TIMEOUT = 600_000;

/**
 * The default largest non-stream answer (or error body) read from an upstream: 32 MiB, far above
 * any real completion, so that a misbehaving upstream cannot exhaust the gateway's memory.
 */
export const DEFAULT_MAX_RESPONSE_BYTES = 32 * 1024 * 1024;

export type FetchFunction = (input: string, init: RequestInit) => Promise<Response>;

export interface UpstreamCall {
  url: string;
  method: 'GET' | 'POST';
  headers: Record<string, string>;
  body?: string;
  /** The caller's signal: when it fires the upstream request is aborted. */
  signal: AbortSignal;
  /** Epoch ms after which the answer is no longer wanted. */
  deadline?: number | undefined;
  timeout: TimeoutSettings;
  requestId: string | null;
  /** Largest body `text()` reads; more is a `bad_response` error. Default {@link DEFAULT_MAX_RESPONSE_BYTES}. */
  maxResponseBytes?: number;
}

/** An upstream answer whose body is read under the call's timeouts. */
export interface UpstreamResponse {
  readonly response: Response;
  /** The body bytes; stopping early (break/return) aborts the upstream request. */
  body(): AsyncGenerator<Uint8Array>;
  /** The whole body as text. */
  text(): Promise<string>;
  /** Aborts the upstream request if still running and releases timers. Idempotent. */
  close(): void;
}

class TimeoutMarker extends Error {
  constructor(
    readonly phase: 'total' | 'headers' | 'idle',
    readonly ms: number,
  ) {
    super(`upstream ${phase} timeout`);
  }
}

function describeNetworkError(error: unknown): string {
  let current: unknown = error;
  for (let depth = 0; depth < 4 && current; depth++) {
    const c = current as { code?: unknown; message?: unknown; cause?: unknown };
    if (typeof c.code === 'string' && c.code.startsWith('E')) return c.code;
    if (typeof c.code === 'string' && c.code.startsWith('UND_ERR')) {
      return typeof c.message === 'string' ? c.message : c.code;
    }
    current = c.cause;
  }
  const message = (error as { message?: unknown } | undefined)?.message;
  return typeof message === 'string' ? message : 'network error';
}

/**
 * Calls the upstream with `fetch` (Node's global fetch pools keep-alive connections per origin),
 * enforcing the total/headers/idle timeouts and the caller's abort signal. Failures without an
 * HTTP answer become `ConnectionError` (retryable), `TimeoutError` (retryable) or `AbortError`.
 */
export async function fetchUpstream(fetchImpl: FetchFunction, call: UpstreamCall): Promise<UpstreamResponse> {
  const controller = new AbortController();
  const timers = new Set<ReturnType<typeof setTimeout>>();
  let settled = false;
  const host = safeHost(call.url);

  const startTimer = (phase: TimeoutMarker['phase'], ms: number) => {
    const timer = setTimeout(() => {
      timers.delete(timer);
      controller.abort(new TimeoutMarker(phase, ms));
    }, ms);
    timers.add(timer);
    return timer;
  };
  const stopTimer = (timer: ReturnType<typeof setTimeout> | undefined) => {
    if (timer === undefined) return;
    clearTimeout(timer);
    timers.delete(timer);
  };
  const onCallerAbort = () => controller.abort(call.signal.reason);
  const close = () => {
    if (settled) return;
    settled = true;
    for (const timer of timers) clearTimeout(timer);
    timers.clear();
    call.signal.removeEventListener('abort', onCallerAbort);
    if (!controller.signal.aborted)
      controller.abort(new DOMException('Upstream call finished early.', 'AbortError'));
  };
  const finish = () => {
    settled = true;
    for (const timer of timers) clearTimeout(timer);
    timers.clear();
    call.signal.removeEventListener('abort', onCallerAbort);
  };

  const toError = (error: unknown): ProtocolError => {
    const reason = controller.signal.aborted ? controller.signal.reason : undefined;
    if (reason instanceof TimeoutMarker) {
      return new TimeoutError({
        message: `The upstream (${host}) did not answer within the ${reason.phase} timeout of ${reason.ms} ms.`,
        code: 'timeout',
        requestId: call.requestId,
        cause: error,
      });
    }
    if (call.signal.aborted) {
      return new AbortError({
        message: 'The request was aborted.',
        code: 'aborted',
        requestId: call.requestId,
      });
    }
    return new ConnectionError({
      message: `The upstream (${host}) connection failed: ${describeNetworkError(error)}.`,
      code: 'connection_error',
      requestId: call.requestId,
      cause: error,
    });
  };

  if (call.signal.aborted) throw toError(call.signal.reason);
  call.signal.addEventListener('abort', onCallerAbort, { once: true });

  let total = call.timeout.total ?? DEFAULT_TOTAL_TIMEOUT;
  if (call.deadline !== undefined) total = Math.min(total, call.deadline - Date.now());
  if (total <= 0) {
    controller.abort(new TimeoutMarker('total', 0));
    finish();
    throw toError(controller.signal.reason);
  }
  startTimer('total', total);
  const headersTimer =
    call.timeout.headers === undefined ? undefined : startTimer('headers', call.timeout.headers);

  let response: Response;
  try {
    response = await fetchImpl(call.url, {
      method: call.method,
      headers: call.headers,
      ...(call.body === undefined ? {} : { body: call.body }),
      signal: controller.signal,
    });
  } catch (error) {
    const mapped = toError(error);
    finish();
    throw mapped;
  } finally {
    stopTimer(headersTimer);
  }

  async function* body(): AsyncGenerator<Uint8Array> {
    if (!response.body) {
      finish();
      return;
    }
    const reader = response.body.getReader();
    let done = false;
    try {
      while (true) {
        const idle = call.timeout.idle === undefined ? undefined : startTimer('idle', call.timeout.idle);
        let result: ReadableStreamReadResult<Uint8Array>;
        try {
          result = await reader.read();
        } catch (error) {
          throw toError(error);
        } finally {
          stopTimer(idle);
        }
        if (result.done) {
          done = true;
          return;
        }
        yield result.value;
      }
    } finally {
      if (done) finish();
      else {
        close();
        reader.cancel().catch(() => {});
      }
    }
  }

  return {
    response,
    body,
    async text() {
      const limit = call.maxResponseBytes ?? DEFAULT_MAX_RESPONSE_BYTES;
      const decoder = new TextDecoder();
      let text = '';
      let size = 0;
      for await (const bytes of body()) {
        size += bytes.byteLength;
        if (size > limit) {
          // Leaving the loop closes the body and aborts the upstream request.
          throw createProtocolError({
            message: `The upstream (${host}) answer is larger than ${limit} bytes.`,
            code: 'bad_response',
            requestId: call.requestId,
          });
        }
        text += decoder.decode(bytes, { stream: true });
      }
      return text + decoder.decode();
    },
    close,
  };
}

function safeHost(url: string): string {
  try {
    return new URL(url).host;
  } catch {
    return 'upstream';
  }
}
