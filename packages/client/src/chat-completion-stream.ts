import {
  type ChatCompletion,
  ChatCompletionAccumulator,
  type ChatCompletionChunk,
  createSSEDecoder,
  ProtocolError,
  type SSEEvent,
} from '@switchyard/protocol';
import { identify, type RequestIdentified } from './api-promise.js';
import type { Attempt } from './attempt.js';

/**
 * A streamed chat completion. Iterate it (once) for typed chunks, or use one of the views:
 * {@link ChatCompletionStream.finalCompletion}, {@link ChatCompletionStream.textStream},
 * {@link ChatCompletionStream.toReadableStream}. Chunks are accumulated as they pass, so
 * `finalCompletion()` also works after a `for await` loop.
 *
 * The stream fails with a typed error instead of ending quietly when the connection drops,
 * the server sends an error event or malformed data, the body goes silent for longer than
 * `idleTimeout`, or the body ends before every choice finished. Leaving a loop early (`break`)
 * or calling {@link ChatCompletionStream.abort} stops the network transfer.
 *
 * @example
 * ```ts
 * const stream = await client.chat.completions.create({ model, messages, stream: true });
 * for await (const text of stream.textStream()) process.stdout.write(text);
 * const { usage } = await stream.finalCompletion();
 * ```
 */
export class ChatCompletionStream implements AsyncIterable<ChatCompletionChunk> {
  /** The HTTP response; the stream owns its body. */
  readonly response: Response;
  /** The server's `x-request-id` (null when it sent none). */
  readonly _requestId: string | null;
  readonly #attempt: Attempt;
  readonly #accumulator = new ChatCompletionAccumulator();
  #started = false;
  #error: unknown;
  #final: (ChatCompletion & RequestIdentified) | undefined;
  readonly #ended: Promise<void>;
  #markEnded!: () => void;

  /** @internal Created by the client from a successful streaming response. */
  constructor(response: Response, attempt: Attempt, requestId: string | null, idleTimeout: number) {
    this.response = response;
    this._requestId = requestId;
    this.#attempt = attempt;
    this.#ended = new Promise((resolve) => {
      this.#markEnded = resolve;
    });
    attempt.watchIdle(idleTimeout);
  }

  /** Yields each chunk as it arrives. A stream can be iterated only once. */
  async *[Symbol.asyncIterator](): AsyncGenerator<ChatCompletionChunk, void, undefined> {
    if (this.#started) {
      throw new ProtocolError({
        message: 'This stream was already consumed: iterate it once, or use finalCompletion().',
        code: 'stream_consumed',
        status: 400,
        requestId: this._requestId,
      });
    }
    this.#started = true;
    const attempt = this.#attempt;
    const requestId = this._requestId;
    const body = this.response.body;
    const reader = body?.getReader();
    const events: SSEEvent[] = [];
    const decoder = createSSEDecoder((event) => events.push(event));
    let finished = false;
    try {
      let sawDone = false;
      while (!sawDone && reader) {
        let read: ReadableStreamReadResult<Uint8Array>;
        attempt.readStarted();
        try {
          read = await reader.read();
        } catch (cause) {
          throw attempt.errorFor(cause, requestId, true);
        }
        attempt.readEnded();
        if (read.done) decoder.end();
        else decoder.feed(read.value);
        for (let i = 0; i < events.length && !sawDone; i++) {
          const event = events[i] as SSEEvent;
          if (event.type === 'chunk') {
            this.#accumulator.add(event.chunk);
            yield event.chunk;
          } else if (event.type === 'done') sawDone = true;
          else if (event.type === 'error') {
            event.error.requestId ??= requestId;
            throw event.error;
          }
        }
        events.length = 0;
        if (read.done) break;
      }
      // A body that ends without `[DONE]` is only complete if every choice finished.
      if (!sawDone) this.#complete();
      finished = true;
    } catch (error) {
      this.#error = error;
      throw error;
    } finally {
      attempt.dispose();
      // After `[DONE]`, an error, or an early `break`: stop the transfer so the connection closes.
      if (reader && !finished) reader.cancel().catch(ignore);
      else reader?.releaseLock();
      this.#markEnded();
    }
  }

  /**
   * Consumes the rest of the stream (or waits for the loop consuming it) and returns the
   * accumulated completion: content, reasoning, refusal, tool calls merged by index,
   * finish reasons, and the usage from whichever chunk carried it.
   *
   * @throws {ProtocolError} the error that ended the stream; code `stream_incomplete` when it
   * was cut before every choice finished (also after an early `break`).
   */
  async finalCompletion(): Promise<ChatCompletion & RequestIdentified> {
    if (this.#started) await this.#ended;
    else for await (const _ of this);
    if (this.#error !== undefined) throw this.#error;
    return this.#complete();
  }

  /** Yields the text of the first choice as it arrives, skipping chunks without any. */
  async *textStream(): AsyncGenerator<string, void, undefined> {
    for await (const chunk of this) {
      const text = chunkText(chunk);
      if (text) yield text;
    }
  }

  /** The whole text of the first choice, once the stream has ended. */
  async text(): Promise<string> {
    const completion = await this.finalCompletion();
    return completion.choices.find((choice) => choice.index === 0)?.message.content ?? '';
  }

  /**
   * A web `ReadableStream` of the chunks, e.g. to hand to a UI framework. Cancelling it stops
   * the network transfer.
   */
  toReadableStream(): ReadableStream<ChatCompletionChunk> {
    const iterator = this[Symbol.asyncIterator]();
    return new ReadableStream({
      async pull(controller) {
        const next = await iterator.next();
        if (next.done) controller.close();
        else controller.enqueue(next.value);
      },
      async cancel() {
        await iterator.return();
      },
    });
  }

  /** Stops the network transfer; a loop over the stream then fails with an `AbortError`. */
  abort(): void {
    this.#attempt.stop('abort');
  }

  #complete(): ChatCompletion & RequestIdentified {
    if (!this.#final) {
      try {
        this.#final = identify(this.#accumulator.complete(), this._requestId);
      } catch (error) {
        if (ProtocolError.isInstance(error)) error.requestId ??= this._requestId;
        throw error;
      }
    }
    return this.#final;
  }
}

/** The text a chunk adds to the first choice ('' when none). */
export function chunkText(chunk: ChatCompletionChunk): string {
  for (const choice of chunk.choices) {
    const content: unknown = choice.index === 0 ? choice.delta?.content : undefined;
    if (typeof content === 'string') return content;
  }
  return '';
}

function ignore(): void {}
