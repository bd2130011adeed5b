import { createProtocolError, ErrorCode } from '@switchyard/protocol';
import { readLimitedBytes } from './read-limited-bytes.js';

/**
 * The default largest upstream answer (or error body, or single stream event) an adapter reads:
 * 32 MiB, far above any real completion, so that a misbehaving upstream cannot exhaust memory.
 */
export const DEFAULT_MAX_RESPONSE_BYTES = 32 * 1024 * 1024;

const utf8 = new TextDecoder();

/** Options of {@link readLimitedText}. */
export interface ReadLimitedTextOptions {
  /** Largest number of bytes read; one more is a 502 `bad_response`. */
  maxBytes: number;
  /** Who sent the body, for the error message: `Anthropic`, `the upstream (api.example.com)`. */
  source: string;
  /** Put on the error. */
  requestId?: string | null;
}

/**
 * Reads an upstream's body as UTF-8 text, at most `maxBytes` of it. Past that it stops reading,
 * cancels the body (releasing the connection) and throws a `bad_response` protocol error (502),
 * so an endless or huge answer never grows memory beyond the limit.
 *
 * @example
 * ```ts
 * const text = await readLimitedText(response.body, { maxBytes: DEFAULT_MAX_RESPONSE_BYTES, source: 'Acme' });
 * ```
 */
export async function readLimitedText(
  body: ReadableStream<Uint8Array> | AsyncIterable<Uint8Array> | null,
  options: ReadLimitedTextOptions,
): Promise<string> {
  const source = body !== null && 'getReader' in body ? piecesOf(body) : body;
  const bytes = await readLimitedBytes(source, options.maxBytes, (limit) =>
    createProtocolError({
      message: `The answer of ${options.source} is larger than ${limit} bytes.`,
      code: ErrorCode.badResponse,
      requestId: options.requestId ?? null,
    }),
  );
  return utf8.decode(bytes);
}

/** A web stream's pieces; stopping early cancels the stream. */
async function* piecesOf(stream: ReadableStream<Uint8Array>): AsyncGenerator<Uint8Array> {
  const reader = stream.getReader();
  let ended = false;
  try {
    for (let result = await reader.read(); !result.done; result = await reader.read()) yield result.value;
    ended = true;
  } finally {
    if (!ended) reader.cancel().catch(() => {});
  }
}
