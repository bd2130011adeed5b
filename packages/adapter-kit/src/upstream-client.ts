import { clip, createProtocolError, ErrorCode, type ProtocolError } from '@switchyard/protocol';
import { DEFAULT_MAX_RESPONSE_BYTES } from './read-limited-text.js';
import { redactCredentials } from './redact-credentials.js';
import {
  resolveTimeout,
  type TimeoutSetting,
  type UpstreamHeaders,
  type UpstreamResponse,
  type UpstreamTransport,
  upstreamSource,
} from './upstream-call.js';
import { parseErrorBody, type RetryHints, retryHints } from './upstream-error-body.js';
import { type FetchFunction, fetchUpstream } from './upstream-fetch.js';
import { createUndiciTransport } from './upstream-undici.js';

/** A non-2xx upstream answer, read for {@link UpstreamClientSettings.toError}. */
export interface UpstreamErrorAnswer extends RetryHints {
  readonly status: number;
  readonly headers: UpstreamHeaders;
  /** The body: JSON when it parses, else the trimmed text; `undefined` when empty, unreadable or oversized. */
  readonly body: unknown;
  /**
   * The body text (`''` when unreadable or larger than `maxResponseBytes`: the status still tells),
   * with the request's credentials replaced by `[redacted]` (`body` is parsed from it).
   */
  readonly text: string;
  /** The request id the call was sent with. */
  readonly requestId: string | null;
}

/** Settings of {@link createUpstreamClient}. */
export interface UpstreamClientSettings {
  /** Base URL that request paths are appended to; trailing slashes are dropped. */
  baseURL: string;
  /** A `fetch` to send with instead of undici (proxies, custom dispatchers, tests). */
  fetch?: FetchFunction | undefined;
  /** Milliseconds for the whole call, or separate limits; see {@link TimeoutSettings}. */
  timeout?: TimeoutSetting | undefined;
  /** Largest body `text()`/`json()` reads (and largest error body kept). Default 32 MiB. */
  maxResponseBytes?: number | undefined;
  /**
   * The adapter's provider name (`anthropic`, `token360`): messages say `the upstream (provider
   * 'token360')`, never the base URL's host and port, which clients must not learn (the transport
   * error kept as `cause` has them for the server's logs).
   */
  provider: string;
  /** Turns a non-2xx answer into the adapter's protocol error. */
  toError(answer: UpstreamErrorAnswer): ProtocolError;
}

/** One request through an {@link UpstreamClient}. */
export interface UpstreamRequest {
  /** Appended to the base URL: `/chat/completions`, `/models?limit=1000`. */
  path: string;
  method: 'GET' | 'POST';
  headers: Record<string, string>;
  body?: string | undefined;
  /** The caller's signal (`AdapterContext.signal`): when it fires the request is aborted. */
  signal: AbortSignal;
  /** Epoch ms after which the answer is no longer wanted (`AdapterContext.deadline`). */
  deadline?: number | undefined;
  requestId?: string | null | undefined;
}

/** Sends requests to one upstream over one keep-alive pool; see {@link createUpstreamClient}. */
export interface UpstreamClient {
  /** How messages name this upstream: `the upstream (provider 'token360')` (for {@link readJson}). */
  readonly source: string;
  /** Largest body read at once: use it as the largest stream event too. */
  readonly maxResponseBytes: number;
  /**
   * Sends one request and resolves with a 2xx answer whose body is still to be read (close it, or
   * read it to its end). A non-2xx answer is read (at most `maxResponseBytes`) and thrown as
   * `toError` makes it; a failure without an answer is a `ConnectionError`, `TimeoutError` or
   * `AbortError`.
   */
  send(request: UpstreamRequest): Promise<UpstreamResponse>;
  /** {@link send}, then the whole body parsed as JSON (a body that is not JSON is a `bad_response`). */
  json(request: UpstreamRequest): Promise<unknown>;
}

/**
 * The HTTP plumbing of an adapter: one undici keep-alive pool (or the given `fetch`), the
 * {@link TimeoutSettings} timeouts, the caller's abort signal and deadline, the response-size cap,
 * and error answers read and handed to the adapter's `toError` with their retry hints.
 *
 * @example
 * ```ts
 * const upstream = createUpstreamClient({
 *   baseURL: 'https://api.example.com/v1',
 *   timeout: settings.timeout,
 *   toError: ({ status, body, retryAfterMs }) => myErrorFrom(status, body, retryAfterMs),
 * });
 * const answer = await upstream.json({ path: '/models', method: 'GET', headers, signal: context.signal });
 * ```
 */
export function createUpstreamClient(settings: UpstreamClientSettings): UpstreamClient {
  const baseURL = settings.baseURL.replace(/\/+$/, '');
  const timeout = resolveTimeout(settings.timeout);
  const maxResponseBytes = settings.maxResponseBytes ?? DEFAULT_MAX_RESPONSE_BYTES;
  const customFetch = settings.fetch;
  const source = upstreamSource(settings.provider);
  const transport: UpstreamTransport = customFetch
    ? (call) => fetchUpstream(customFetch, call)
    : createUndiciTransport();

  const send = async (request: UpstreamRequest): Promise<UpstreamResponse> => {
    const requestId = request.requestId ?? null;
    const upstream = await transport({
      url: `${baseURL}${request.path}`,
      method: request.method,
      headers: request.headers,
      ...(request.body === undefined ? {} : { body: request.body }),
      signal: request.signal,
      deadline: request.deadline,
      timeout,
      requestId,
      maxResponseBytes,
      provider: settings.provider,
    });
    if (upstream.status >= 200 && upstream.status <= 299) return upstream;
    const text = redactCredentials(await upstream.text().catch(() => ''), request.headers);
    throw settings.toError({
      status: upstream.status,
      headers: upstream.headers,
      body: parseErrorBody(text),
      text,
      requestId,
      ...retryHints(upstream.headers),
    });
  };

  return {
    source,
    maxResponseBytes,
    send,
    async json(request) {
      return readJson(await send(request), { source, requestId: request.requestId });
    },
  };
}

/**
 * Reads a whole answer (at most its call's `maxResponseBytes`) and parses it as JSON; a body that
 * is not JSON is a 502 `bad_response` quoting its start.
 */
export async function readJson(
  upstream: UpstreamResponse,
  options: { source?: string | undefined; requestId?: string | null | undefined } = {},
): Promise<unknown> {
  const text = await upstream.text();
  try {
    return JSON.parse(text);
  } catch (cause) {
    throw createProtocolError({
      message: `The answer of ${options.source ?? 'the upstream'} is not JSON: ${clip(text, 120)}`,
      code: ErrorCode.badResponse,
      requestId: options.requestId ?? null,
      cause,
    });
  }
}
