import { AbortError, ProtocolError, sleep } from '@switchyard/protocol';
import { Attempt } from './attempt.js';
import { errorFromResponse, requestIdOf } from './error-from-response.js';
import { retryDelayMs } from './retry-policy.js';

/** Per-call settings; each overrides the client's for this call only. */
export interface RequestOptions {
  /** Aborts the call: pending retries, the request, and the transfer of a streamed body. */
  signal?: AbortSignal | null;
  /** Milliseconds one attempt may take from sending to the last byte of the body. */
  timeout?: number;
  /** Milliseconds a streamed body may stay silent before the call fails with a `TimeoutError`. */
  idleTimeout?: number;
  /** How many times a retryable failure is retried (0 turns retries off). */
  maxRetries?: number;
  /** Extra request headers; `null` removes a header the client would send. */
  headers?: Record<string, string | null | undefined>;
}

/** The client settings a request needs, with defaults applied. */
export interface ClientConfig {
  baseURL: string;
  apiKey: string | null;
  headers: Record<string, string | null | undefined>;
  fetch: typeof fetch | undefined;
  timeout: number;
  idleTimeout: number;
  maxRetries: number;
}

export interface RequestSpec {
  method: 'GET' | 'POST';
  path: string;
  body?: unknown;
  /** The request expects a server-sent event stream. */
  stream?: boolean;
}

/** The spec of `POST /chat/completions`. */
export function chatRequest(body: unknown, stream?: boolean): RequestSpec {
  return { method: 'POST', path: '/chat/completions', body, stream };
}

/** A response that succeeded, read into `data`. */
export interface Exchange<T> {
  data: T;
  response: Response;
  requestId: string | null;
}

/** Reads a successful response; may take over the attempt (a stream disposes of it later). */
export type ResponseReader<T> = (
  response: Response,
  attempt: Attempt,
  requestId: string | null,
) => T | Promise<T>;

/**
 * Sends a request and reads its response, retrying what can be retried: connection errors,
 * timeouts, and error responses the server marks retryable (408, 409, 429, 5xx unless the body's
 * code says otherwise, e.g. `insufficient_quota`; `x-should-retry` overrides both). Reading the
 * response is part of the attempt, so a non-stream body cut off mid-way is retried too; a
 * stream's reader returns before the body is consumed, so nothing is retried once it delivers.
 */
export async function sendRequest<T>(
  config: ClientConfig,
  spec: RequestSpec,
  options: RequestOptions,
  read: ResponseReader<T>,
): Promise<Exchange<T>> {
  const signal = options.signal ?? undefined;
  const maxRetries = options.maxRetries ?? config.maxRetries;
  const init: RequestInit = {
    method: spec.method,
    headers: buildHeaders(config, options, spec.stream === true, spec.body !== undefined),
  };
  if (spec.body !== undefined) init.body = JSON.stringify(spec.body);
  const url = config.baseURL.replace(/\/+$/, '') + spec.path;

  for (let retry = 0; ; retry++) {
    const attempt = new Attempt(signal, options.timeout ?? config.timeout);
    init.signal = attempt.signal;
    let error: ProtocolError;
    let requestId: string | null = null;
    try {
      // Looked up per call (not bound at creation) so polyfills and test doubles installed later apply.
      const fetcher = config.fetch ?? fetch;
      const response = await fetcher(url, init);
      requestId = requestIdOf(response.headers);
      if (response.ok) return { data: await read(response, attempt, requestId), response, requestId };
      error = await errorFromResponse(response, requestId);
      attempt.dispose();
    } catch (cause) {
      attempt.dispose();
      error = ProtocolError.isInstance(cause) ? cause : attempt.errorFor(cause, requestId);
    }
    if (!error.isRetryable || retry >= maxRetries) throw error;
    // The sleep rejects only when the caller aborts.
    await sleep(retryDelayMs(error.retryAfterMs, retry), signal).catch(() => {
      throw new AbortError({ message: 'The request was aborted.', code: 'aborted', requestId });
    });
  }
}

function buildHeaders(
  config: ClientConfig,
  options: RequestOptions,
  stream: boolean,
  hasBody: boolean,
): Record<string, string> {
  const merged: Record<string, string | null | undefined> = {
    accept: stream ? 'text/event-stream' : 'application/json',
  };
  if (hasBody) merged['content-type'] = 'application/json';
  if (config.apiKey) merged.authorization = `Bearer ${config.apiKey}`;
  for (const source of [config.headers, options.headers]) {
    if (source) for (const key in source) merged[key.toLowerCase()] = source[key];
  }
  const headers: Record<string, string> = {};
  for (const key in merged) {
    const value = merged[key];
    if (value != null) headers[key] = value;
  }
  return headers;
}
