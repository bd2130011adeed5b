import { clip } from '../clip.js';
import { createProtocolError, type ErrorCode } from '../errors/index.js';
import { readPieces } from '../sse/read-pieces.js';
import { createUtf8PieceDecoder } from '../sse/utf8-pieces.js';

/** Options of {@link readNDJSON}. */
export interface ReadNDJSONOptions {
  /**
   * Largest number of characters one line may hold. When exceeded, the values before it are
   * yielded, then a `bad_response` protocol error is thrown and the body is cancelled. Unbounded
   * by default.
   */
  maxLineSize?: number;
  /** How messages name the body's sender: `the upstream (provider 'acme')`. Default `the upstream`. */
  source?: string;
}

function badLine(message: string): never {
  throw createProtocolError({ message, code: 'bad_response' satisfies ErrorCode, streamStarted: true });
}

/**
 * Yields the JSON value of each line of a newline-delimited JSON body (`application/x-ndjson`,
 * JSON Lines), the streaming format of several providers. Lines and UTF-8 characters may be split
 * anywhere across network pieces; LF and CRLF line ends are accepted; blank lines are skipped; a
 * last line without its line end is still read. A line that is not JSON is a 502 `bad_response`
 * quoting its start. Stopping early cancels the body so the transfer stops.
 *
 * @example
 * ```ts
 * for await (const event of readNDJSON(response.body(), { source: http.source })) {
 *   if ((event as { text?: string }).text) yield toChunk(event);
 * }
 * ```
 */
export async function* readNDJSON(
  body: ReadableStream<Uint8Array> | AsyncIterable<Uint8Array>,
  options: ReadNDJSONOptions = {},
): AsyncGenerator<unknown, void, undefined> {
  const { maxLineSize } = options;
  const source = options.source ?? 'the upstream';
  const decoder = createUtf8PieceDecoder();
  const pieces = readPieces(body);
  const parse = (line: string): unknown => {
    try {
      return JSON.parse(line);
    } catch {
      return badLine(`A line of ${source}'s stream is not JSON: ${clip(line, 120)}`);
    }
  };
  let buffered = '';
  let finished = false;
  try {
    while (true) {
      const { done, value } = await pieces.next();
      if (done) break;
      buffered += decoder.decode(value);
      let end = buffered.indexOf('\n');
      while (end !== -1) {
        const line = buffered.slice(0, end).trim();
        buffered = buffered.slice(end + 1);
        if (line !== '') yield parse(line);
        end = buffered.indexOf('\n');
      }
      if (maxLineSize !== undefined && buffered.length > maxLineSize) {
        badLine(`A line of ${source}'s stream exceeded the maximum size of ${maxLineSize} characters.`);
      }
    }
    finished = true;
    const last = (buffered + decoder.end()).trim();
    if (last !== '') yield parse(last);
  } finally {
    if (!finished) pieces.cancel();
  }
}
