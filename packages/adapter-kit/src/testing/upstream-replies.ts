import type { Responder } from './test-upstream.js';

/** Content types of the bodies upstreams send. */
export const CONTENT_TYPES = {
  json: 'application/json',
  sse: 'text/event-stream; charset=utf-8',
  ndjson: 'application/x-ndjson',
} as const;

/** How a body is written: status, headers, and how it is split across network writes. */
export interface ServeOptions {
  readonly status?: number;
  readonly headers?: Readonly<Record<string, string>>;
  /**
   * Bytes per write (default 509, an odd size so that lines, events and UTF-8 characters are split
   * across reads as on a real network).
   */
  readonly pieceSize?: number;
  /** Milliseconds between writes (default: none, one event-loop turn): a slow upstream. */
  readonly pieceDelayMs?: number;
}

const pause = (ms: number | undefined) =>
  new Promise<void>((resolve) => (ms ? setTimeout(resolve, ms) : setImmediate(resolve)));

/**
 * Serves a recorded body (a JSON answer, raw SSE, NDJSON…) with its content type, in small pieces.
 * Stops writing when the client goes away.
 */
export function serveBody(
  body: string | Uint8Array,
  contentType: string,
  options: ServeOptions = {},
): Responder {
  const bytes = typeof body === 'string' ? Buffer.from(body, 'utf8') : Buffer.from(body);
  const pieceSize = options.pieceSize ?? 509;
  return async (_request, res) => {
    res.writeHead(options.status ?? 200, { 'content-type': contentType, ...options.headers });
    for (let offset = 0; offset < bytes.length && !res.destroyed; offset += pieceSize) {
      res.write(bytes.subarray(offset, offset + pieceSize));
      await pause(options.pieceDelayMs);
    }
    res.end();
  };
}

/** Serves a value as a JSON body. */
export function serveJson(value: unknown, options: ServeOptions = {}): Responder {
  return serveBody(JSON.stringify(value), CONTENT_TYPES.json, options);
}

/** Serves events as SSE: one `data:` frame each (objects as JSON), optionally `data: [DONE]` last. */
export function serveSSE(
  events: readonly (string | object)[],
  options: ServeOptions & { readonly done?: boolean } = {},
): Responder {
  return serveBody(sseBody(events, options.done ?? false), CONTENT_TYPES.sse, options);
}

/** Serves lines of newline-delimited JSON (objects are stringified), each ended by `\n`. */
export function serveLines(lines: readonly (string | object)[], options: ServeOptions = {}): Responder {
  return serveBody(linesBody(lines), CONTENT_TYPES.ndjson, options);
}

/** The SSE text of `events`: one `data:` frame per event. */
export function sseBody(events: readonly (string | object)[], done = false): string {
  const frames = events.map(
    (event) => `data: ${typeof event === 'string' ? event : JSON.stringify(event)}\n\n`,
  );
  return `${frames.join('')}${done ? 'data: [DONE]\n\n' : ''}`;
}

/** The NDJSON text of `lines`. */
export function linesBody(lines: readonly (string | object)[]): string {
  return lines.map((line) => `${typeof line === 'string' ? line : JSON.stringify(line)}\n`).join('');
}

/**
 * Answers an error: `status`, the provider's own error body, and headers such as `retry-after`
 * or `x-should-retry`.
 */
export function answerError(
  status: number,
  body: string | object,
  options: { readonly headers?: Readonly<Record<string, string>>; readonly contentType?: string } = {},
): Responder {
  const text = typeof body === 'string' ? body : JSON.stringify(body);
  return (_request, res) => {
    res.writeHead(status, { 'content-type': options.contentType ?? CONTENT_TYPES.json, ...options.headers });
    res.end(text);
  };
}

/**
 * Never finishes: with no `head`, not even the status line arrives (a queueing or dead upstream);
 * with one, the status, headers and the first bytes of `head.body` arrive, then nothing more (a
 * stalled stream). The request stays open until the client gives up or the upstream closes.
 */
export function stall(head?: {
  readonly contentType: string;
  readonly body?: string | Uint8Array;
  readonly status?: number;
}): Responder {
  return (_request, res) => {
    if (!head) return;
    res.writeHead(head.status ?? 200, { 'content-type': head.contentType });
    if (head.body !== undefined) res.write(head.body);
  };
}

/**
 * Sends the status, headers and `bytes` bytes of `body` (default: half), then destroys the
 * connection: a stream cut in the middle.
 */
export function cutMidStream(
  body: string | Uint8Array,
  contentType: string,
  options: { readonly bytes?: number; readonly status?: number } = {},
): Responder {
  const bytes = typeof body === 'string' ? Buffer.from(body, 'utf8') : Buffer.from(body);
  const cut = options.bytes ?? Math.floor(bytes.length / 2);
  return async (_request, res) => {
    res.writeHead(options.status ?? 200, { 'content-type': contentType });
    res.write(bytes.subarray(0, cut));
    await pause(20);
    res.destroy();
  };
}
