import { createParser } from 'eventsource-parser';
import { readPieces } from './read-pieces.js';
import { eventTooLarge } from './sse-decoder.js';
import { createUtf8PieceDecoder } from './utf8-pieces.js';

/** One raw server-sent event: its `event:` name (when it has one) and its joined `data:` lines. */
export interface SSEMessage {
  event: string | undefined;
  data: string;
}

/** Options of {@link readSSEMessages}. */
export interface ReadSSEMessagesOptions {
  /**
   * Largest number of characters one event (or one unterminated line) may hold. When exceeded,
   * the events before it are yielded, then a `bad_response` protocol error is thrown and the body
   * is cancelled. Unbounded by default.
   */
  maxEventSize?: number;
}

/**
 * Yields the raw events of any server-sent-events body, for upstreams whose events are not
 * chat-completion chunks (Anthropic's named events, Gemini's `GenerateContentResponse`s). Lines
 * and UTF-8 characters may be split anywhere across network pieces; LF, CRLF and CR line ends are
 * accepted; a last event whose blank line never came is still delivered. Stopping early cancels
 * the body so the transfer stops. The body is a web stream or an async iterable of bytes.
 */
export async function* readSSEMessages(
  body: ReadableStream<Uint8Array> | AsyncIterable<Uint8Array>,
  options: ReadSSEMessagesOptions = {},
): AsyncGenerator<SSEMessage, void, undefined> {
  const { maxEventSize } = options;
  const pending: SSEMessage[] = [];
  let tooLarge = false;
  const parser = createParser({
    onEvent: (e) => {
      if (tooLarge) return;
      if (maxEventSize !== undefined && e.data.length > maxEventSize) tooLarge = true;
      else pending.push({ event: e.event, data: e.data });
    },
    onError: (error) => {
      if (error.type === 'max-buffer-size-exceeded') tooLarge = true;
    },
    maxBufferSize: maxEventSize,
  });
  const decoder = createUtf8PieceDecoder();
  const pieces = readPieces(body);
  let finished = false;
  try {
    while (true) {
      const { done, value } = await pieces.next();
      if (done) break;
      parser.feed(decoder.decode(value));
      for (let i = 0; i < pending.length; i++) yield pending[i] as SSEMessage;
      pending.length = 0;
      if (tooLarge) throw eventTooLarge(maxEventSize, false);
    }
    finished = true;
    parser.feed(`${decoder.end()}\n\n`);
    for (const message of pending) yield message;
    if (tooLarge) throw eventTooLarge(maxEventSize, false);
  } finally {
    if (!finished) pieces.cancel();
  }
}
