import { createSSEDecoder, type SSEDecoderOptions, type SSEEvent } from './sse-decoder.js';

/**
 * Decodes a chat-completions SSE body into typed events.
 *
 * Handles LF, CRLF and CR line ends, UTF-8 characters and lines split anywhere across network
 * pieces, multi-line `data:`, comments, `event: error`, error payloads in plain `data:` events,
 * and bodies that end without `[DONE]` (iteration simply ends). Bad payloads become
 * `{type:'error'}` events with code `bad_response`; the consumer decides whether to stop.
 * Events after `done` are still yielded. Errors of the source itself (a dropped connection)
 * are thrown as they are.
 *
 * Stopping early (`break`, `return()`) cancels the source, so the network transfer stops.
 *
 * @example
 * ```ts
 * const response = await fetch(url, { method: 'POST', body, headers });
 * for await (const event of decodeSSE(response.body!)) {
 *   if (event.type === 'chunk') process.stdout.write(event.chunk.choices[0]?.delta.content ?? '');
 *   else if (event.type === 'error') throw event.error;
 *   else if (event.type === 'done') break;
 * }
 * ```
 */
export async function* decodeSSE(
  source: ReadableStream<Uint8Array> | AsyncIterable<Uint8Array>,
  options?: SSEDecoderOptions,
): AsyncGenerator<SSEEvent, void, undefined> {
  // Events are collected per network piece and yielded from a plain array: the parser stays
  // synchronous and only the outer loop awaits.
  const batch: SSEEvent[] = [];
  const decoder = createSSEDecoder((event) => batch.push(event), options);
  const pieces = readPieces(source);
  let finished = false;
  try {
    while (true) {
      const next = await pieces.next();
      if (next.done) break;
      decoder.feed(next.value);
      if (batch.length > 0) {
        for (let i = 0; i < batch.length; i++) yield batch[i] as SSEEvent;
        batch.length = 0;
      }
    }
    finished = true;
    decoder.end();
    for (let i = 0; i < batch.length; i++) yield batch[i] as SSEEvent;
  } finally {
    if (!finished) pieces.cancel();
  }
}

interface PieceReader {
  next(): Promise<IteratorResult<Uint8Array>>;
  /** Stops the source without waiting for it: a hung source must not hang the consumer. */
  cancel(): void;
}

function readPieces(source: ReadableStream<Uint8Array> | AsyncIterable<Uint8Array>): PieceReader {
  if (isReadableStream(source)) {
    const reader = source.getReader();
    return {
      next: () => reader.read() as Promise<IteratorResult<Uint8Array>>,
      cancel: () => {
        reader.cancel().catch(ignore);
      },
    };
  }
  const iterator = source[Symbol.asyncIterator]();
  return {
    next: () => iterator.next(),
    cancel: () => {
      if (iterator.return) Promise.resolve(iterator.return()).catch(ignore);
    },
  };
}

function isReadableStream(value: unknown): value is ReadableStream<Uint8Array> {
  return typeof (value as ReadableStream).getReader === 'function';
}

function ignore(): void {}
