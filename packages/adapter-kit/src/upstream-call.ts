import { AbortError, ConnectionError, type ProtocolError, TimeoutError } from '@switchyard/protocol';
import { DEFAULT_MAX_RESPONSE_BYTES, readLimitedText } from './read-limited-text.js';

/**
 * Time limits for one upstream call, in milliseconds: the one timeout model of every adapter
 * built on this kit. An adapter's `timeout` setting is either a number (the `total`) or this.
 * The caller's deadline (`AdapterContext.deadline`) shortens `total` when it is sooner. Each
 * limit, once passed, aborts the upstream request and fails the call with a retryable
 * `TimeoutError` (code `timeout`) naming the phase; after the first stream chunk the error says
 * `streamStarted`.
 */
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

/** An adapter's `timeout` setting: milliseconds for the whole call, or separate limits. */
export type TimeoutSetting = number | TimeoutSettings;

/** The {@link TimeoutSettings} a `timeout` setting means: a number is the `total`. */
export function resolveTimeout(timeout: TimeoutSetting | undefined): TimeoutSettings {
  return typeof timeout === 'number' ? { total: timeout } : (timeout ?? {});
}

/** One HTTP request to an upstream, with the limits it runs under. */
export interface UpstreamCall {
  /**
   * The adapter's provider name: error messages name it, never the URL's host and port (clients
   * must not learn where the upstream lives; the transport error in `cause` keeps that for logs).
   */
  provider: string;
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

/** Response headers, read by name (web `Headers` fits). */
export interface UpstreamHeaders {
  get(name: string): string | null;
}

/** An upstream answer whose body is read under the call's timeouts. */
export interface UpstreamResponse {
  readonly status: number;
  readonly headers: UpstreamHeaders;
  /** The body bytes; stopping early (break/return) aborts the upstream request. */
  body(): AsyncIterable<Uint8Array>;
  /** The whole body as text. */
  text(): Promise<string>;
  /** Aborts the upstream request if still running and releases timers. Idempotent. */
  close(): void;
}

/** Sends one upstream call (undici by default, or a user's `fetch`). */
export type UpstreamTransport = (call: UpstreamCall) => Promise<UpstreamResponse>;

class TimeoutMarker extends Error {
  constructor(
    readonly phase: 'total' | 'headers' | 'idle',
    readonly ms: number,
  ) {
    super(`upstream ${phase} timeout`);
  }
}

/** Why a call was closed before its body ended (the consumer stopped early). */
const CLOSED_EARLY = new Error('Upstream call finished early.');

/**
 * The error code of a transport failure (`ECONNREFUSED`, `UND_ERR_SOCKET`): messages of network
 * errors quote addresses ("connect ECONNREFUSED 127.0.0.1:18901"), so only the code goes to clients.
 */
function describeNetworkError(error: unknown): string {
  let current: unknown = error;
  for (let depth = 0; depth < 4 && current; depth++) {
    const c = current as { code?: unknown; cause?: unknown };
    if (typeof c.code === 'string' && (c.code.startsWith('E') || c.code.startsWith('UND_ERR'))) return c.code;
    current = c.cause;
  }
  return 'network error';
}

/**
 * How client-facing messages name an upstream: `the upstream (provider 'token360')`, never its
 * host and port.
 */
export function upstreamSource(provider: string): string {
  return `the upstream (provider '${provider}')`;
}

/**
 * The transport-independent part of one upstream call: the total, headers and idle timeouts, the
 * caller's abort signal, and the mapping of failures without an HTTP answer to `ConnectionError`
 * (retryable), `TimeoutError` (retryable) or `AbortError`. The transport supplies `cancel`, which
 * must make its pending work fail (or stop) promptly.
 */
export class UpstreamCallGuard {
  readonly call: UpstreamCall;
  readonly #cancel: (reason: unknown) => void;
  #reason: unknown;
  #cancelled = false;
  #settled = false;
  #total: ReturnType<typeof setTimeout> | undefined;
  #headers: ReturnType<typeof setTimeout> | undefined;
  #idle: ReturnType<typeof setTimeout> | undefined;
  readonly #onCallerAbort = () => this.cancel(this.call.signal.reason);

  constructor(call: UpstreamCall, cancel: (reason: unknown) => void) {
    this.call = call;
    this.#cancel = cancel;
  }

  /** How messages name the upstream: `the upstream (provider 'token360')`. */
  get source(): string {
    return upstreamSource(this.call.provider);
  }

  /** Starts the timers and listens to the caller; throws when the call must not even start. */
  start(): void {
    const { call } = this;
    if (call.signal.aborted) throw this.toError(call.signal.reason);
    let total = call.timeout.total ?? DEFAULT_TOTAL_TIMEOUT;
    if (call.deadline !== undefined) total = Math.min(total, call.deadline - Date.now());
    if (total <= 0) {
      this.#reason = new TimeoutMarker('total', 0);
      this.#settled = true;
      throw this.toError(this.#reason);
    }
    call.signal.addEventListener('abort', this.#onCallerAbort, { once: true });
    this.#total = setTimeout(() => this.cancel(new TimeoutMarker('total', total)), total);
    const headersMs = call.timeout.headers;
    if (headersMs !== undefined)
      this.#headers = setTimeout(() => this.cancel(new TimeoutMarker('headers', headersMs)), headersMs);
  }

  /** The response headers arrived: the headers timeout no longer applies. */
  answered(): void {
    clearTimeout(this.#headers);
  }

  /** A body read starts (arms the idle timeout) or ends (disarms it). */
  reading(active: boolean): void {
    const idleMs = this.call.timeout.idle;
    if (idleMs === undefined) return;
    clearTimeout(this.#idle);
    if (active) this.#idle = setTimeout(() => this.cancel(new TimeoutMarker('idle', idleMs)), idleMs);
  }

  /** Stops the call: the transport's work fails, and {@link toError} explains why. */
  cancel(reason: unknown): void {
    if (this.#cancelled) return;
    this.#cancelled = true;
    this.#reason = reason;
    this.#cancel(reason);
  }

  /** The protocol error for a transport failure, given why the call was cancelled (if it was). */
  toError(error: unknown): ProtocolError {
    const reason = this.#reason;
    const { call } = this;
    if (reason instanceof TimeoutMarker) {
      return new TimeoutError({
        message: `The upstream (provider '${call.provider}') did not answer within the ${reason.phase} timeout of ${reason.ms} ms.`,
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
      message: `The connection to ${this.source} failed: ${describeNetworkError(error)}.`,
      code: 'connection_error',
      requestId: call.requestId,
      cause: error,
    });
  }

  /** The body was read to its end (or the call failed): releases timers and the caller's signal. */
  finish(): void {
    if (this.#settled) return;
    this.#settled = true;
    clearTimeout(this.#total);
    clearTimeout(this.#headers);
    clearTimeout(this.#idle);
    this.call.signal.removeEventListener('abort', this.#onCallerAbort);
  }

  /** {@link finish}, and cancels the transport's work when the body was not read to its end. */
  close(): void {
    if (this.#settled) return;
    this.finish();
    this.cancel(CLOSED_EARLY);
  }
}

/**
 * Reads a whole body as UTF-8 text, refusing more than the call's `maxResponseBytes`
 * (`bad_response`; leaving the loop closes the body and aborts the upstream request).
 */
export function readBodyText(body: AsyncIterable<Uint8Array>, guard: UpstreamCallGuard): Promise<string> {
  return readLimitedText(body, {
    maxBytes: guard.call.maxResponseBytes ?? DEFAULT_MAX_RESPONSE_BYTES,
    source: guard.source,
    requestId: guard.call.requestId,
  });
}
