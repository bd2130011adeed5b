import { createParser, type EventSourceMessage } from 'eventsource-parser';
import { clip } from '../clip.js';
import {
  codeForStatus,
  createProtocolError,
  type ErrorCode,
  errorFromEnvelope,
  type ProtocolError,
} from '../errors/index.js';
import type { ChatCompletionChunk } from '../schemas/index.js';
import { createUtf8PieceDecoder } from './utf8-pieces.js';

/** One decoded server-sent event of a chat-completions stream. */
export type SSEEvent =
  | {
      type: 'chunk';
      chunk: ChatCompletionChunk;
      /** The event's JSON text, as received (what `chunk` was parsed from). */
      data: string;
    }
  | { type: 'done' }
  | { type: 'error'; error: ProtocolError }
  | { type: 'comment'; text: string };

/** Options of {@link createSSEDecoder} and `decodeSSE`. */
export interface SSEDecoderOptions {
  /**
   * Largest number of characters one pending event (or one unterminated line) may hold. When
   * exceeded, a `bad_response` error event is emitted and everything after it is ignored.
   * Unbounded by default: base64 images and large tool arguments make multi-megabyte events.
   */
  maxEventSize?: number;
  /**
   * How each event's JSON is parsed: `JSON.parse` by default. A `ChunkJsonParser` (one per
   * stream) returns the same values faster for chunks that differ only in their delta text.
   */
  json?: { parse(text: string): unknown };
}

/** A push-style decoder: feed it network bytes, it calls back once per event. */
export interface SSEDecoder {
  /** Decodes the next piece of the body; pieces may split lines and UTF-8 characters anywhere. */
  feed(bytes: Uint8Array): void;
  /**
   * Signals the end of the body. An event whose terminating blank line never arrived (a body
   * ending in `data: [DONE]` without `\n\n`) is still delivered.
   */
  end(): void;
}

const DONE_EVENT: SSEEvent = Object.freeze({ type: 'done' });
const SNIPPET_LENGTH = 120;

/**
 * Creates a push-style SSE decoder for chat-completion streams: the synchronous core of
 * `decodeSSE`, for callers that already own the read loop (no async iteration per event).
 *
 * Every event is classified once: `[DONE]`, a chunk (an object with a `choices` array, passed
 * through as parsed with unknown fields kept), an error (`event: error`, `{"error":…}`, vLLM's
 * `{"object":"error",…}`), or a comment. Malformed JSON, non-object JSON and objects that are
 * neither chunk nor error become `bad_response` error events instead of exceptions.
 *
 * @example
 * ```ts
 * const decoder = createSSEDecoder((event) => {
 *   if (event.type === 'chunk') process(event.chunk);
 * });
 * for await (const bytes of body) decoder.feed(bytes);
 * decoder.end();
 * ```
 */
export function createSSEDecoder(
  onEvent: (event: SSEEvent) => void,
  options: SSEDecoderOptions = {},
): SSEDecoder {
  const textDecoder = createUtf8PieceDecoder();
  let ending = false;
  let stopped = false;

  const { maxEventSize, json = JSON } = options;
  const tooLarge = (): void => {
    stopped = true;
    onEvent({ type: 'error', error: eventTooLarge(maxEventSize, true) });
  };

  const onMessage = (message: EventSourceMessage): void => {
    if (stopped) return;
    const data = message.data;
    if (maxEventSize !== undefined && data.length > maxEventSize) {
      tooLarge();
      return;
    }
    if (data === '[DONE]') {
      onEvent(DONE_EVENT);
      return;
    }
    let value: unknown;
    try {
      value = json.parse(data);
    } catch (cause) {
      // `event: error` may carry a bare text message instead of a JSON body.
      const error = message.event === 'error' ? streamError(data) : malformed(data, ending, cause);
      onEvent({ type: 'error', error });
      return;
    }
    onEvent(classify(value, message.event, data));
  };

  const parser = createParser({
    onEvent: onMessage,
    onComment: (text) => {
      if (!stopped) onEvent({ type: 'comment', text });
    },
    // The parser bounds what it buffers (an unterminated line or event); complete events are
    // checked in onMessage.
    onError: (error) => {
      if (error.type === 'max-buffer-size-exceeded' && !stopped) tooLarge();
    },
    maxBufferSize: maxEventSize,
  });

  return {
    feed(bytes) {
      if (stopped) return;
      parser.feed(textDecoder.decode(bytes));
    },
    end() {
      if (stopped) return;
      ending = true;
      // Flushes a dangling partial UTF-8 sequence (as U+FFFD), then terminates the last line and
      // event: the two line ends dispatch it if its blank line never came, and are no-ops otherwise.
      parser.feed(`${textDecoder.end()}\n\n`);
      stopped = true;
    },
  };
}

function classify(value: unknown, eventName: string | undefined, data: string): SSEEvent {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    const error =
      eventName === 'error'
        ? streamError(typeof value === 'string' ? value : data)
        : badResponse(`Expected a JSON object in server-sent event, got: ${clip(data, SNIPPET_LENGTH)}`);
    return { type: 'error', error };
  }
  const body = value as { error?: unknown; choices?: unknown; object?: unknown };
  if (eventName === 'error' || body.error || body.object === 'error') {
    return { type: 'error', error: streamError(body) };
  }
  if (Array.isArray(body.choices)) return { type: 'chunk', chunk: value as ChatCompletionChunk, data };
  return {
    type: 'error',
    error: badResponse(
      `Expected a chat.completion.chunk in server-sent event, got: ${clip(data, SNIPPET_LENGTH)}`,
    ),
  };
}

/** An error the server reported inside the stream, after its 200 status was sent. */
function streamError(body: object | string): ProtocolError {
  const outer = body as { error?: unknown; code?: unknown };
  const inner =
    typeof outer.error === 'object' && outer.error !== null ? (outer.error as { code?: unknown }) : outer;
  // OpenRouter and vLLM put the HTTP status they would have sent into a numeric `code`.
  const status =
    typeof inner.code === 'number' && inner.code >= 400 && inner.code <= 599 ? inner.code : undefined;
  const parsed = errorFromEnvelope(body, status === undefined ? {} : { status });
  return createProtocolError({
    message: parsed.message,
    code: status === undefined ? parsed.code : codeForStatus(status),
    status: parsed.status,
    type: parsed.type,
    param: parsed.param,
    requestId: parsed.requestId,
    streamStarted: true,
  });
}

function malformed(data: string, ending: boolean, cause: unknown): ProtocolError {
  const where = ending ? 'The stream ended in the middle of an event: ' : '';
  return createProtocolError({
    message: `${where}malformed JSON in server-sent event: ${clip(data, SNIPPET_LENGTH)}`,
    code: 'bad_response' satisfies ErrorCode,
    streamStarted: true,
    cause,
  });
}

/** The `bad_response` error for an event (or unterminated line) over `maxEventSize` characters. */
export function eventTooLarge(maxEventSize: number | undefined, streamStarted: boolean): ProtocolError {
  return createProtocolError({
    message: `A server-sent event exceeded the maximum size of ${maxEventSize} characters.`,
    code: 'bad_response' satisfies ErrorCode,
    streamStarted,
  });
}

function badResponse(message: string): ProtocolError {
  return createProtocolError({ message, code: 'bad_response' satisfies ErrorCode, streamStarted: true });
}
