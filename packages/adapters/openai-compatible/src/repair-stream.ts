import { ITERATION_DONE, type ReadyItems } from '@switchyard/adapter-kit';
import {
  type ChatCompletionChunk,
  ChunkJsonParser,
  createSSEDecoder,
  ProtocolError,
  type SSEDecoder,
  type SSEDecoderOptions,
  type SSEEvent,
} from '@switchyard/protocol';
import { ChunkRepair, type ChunkRepairOptions } from './chunk-repair.js';
import { withStreamStarted } from './upstream-error.js';

type Json = Record<string, unknown>;

/**
 * Decodes an upstream SSE body and turns its events into well-formed protocol chunks:
 * - `role: "assistant"` exactly once per choice, on its first delta (Z.ai repeats it, Mistral
 *   omits it);
 * - reasoning in `reasoning_content` (`reasoning` renamed, Mistral content-part arrays split);
 * - tool calls renumbered densely per choice (index 0, 1… even when the upstream starts at 1 or
 *   skips), identity (`id`, `type`, `function.name`) sent once, repeated or blank identity in later
 *   fragments dropped, empty argument fragments dropped, a whole-arguments re-send dropped;
 * - usage taken from whichever chunk carries it (the last one wins) and sent once, as a
 *   `choices: []` chunk after the last finish, instead of riding on the finish chunk;
 * - `choices: []` chunks without usage (keep-alive preambles) and comments dropped;
 * - finish reasons normalised (`sensitive` → `content_filter`); `network_error`/`error` thrown;
 * - `event: error` and `data: {"error":…}` thrown as protocol errors; a stream that ends before
 *   every choice finished throws `stream_incomplete`. `streamStarted` is true once a chunk was yielded.
 */
export function repairStream(
  body: AsyncIterable<Uint8Array>,
  options: ChunkRepairOptions & SSEDecoderOptions,
): AsyncIterableIterator<ChatCompletionChunk> & ReadyItems<ChatCompletionChunk> {
  return new RepairedStream(body[Symbol.asyncIterator](), options);
}

/**
 * {@link repairStream}'s iterator: each network piece is decoded and repaired in one plain loop
 * into a queue, and `next()` hands out queued chunks as resolved promises, without a generator
 * step or a promise per event in between; `takeReady` hands them out without a promise at all. An
 * error (an error event, a broken upstream, a failed check) comes after the chunks repaired before
 * it.
 */
class RepairedStream implements AsyncIterableIterator<ChatCompletionChunk>, ReadyItems<ChatCompletionChunk> {
  readonly #body: AsyncIterator<Uint8Array>;
  readonly #repair: ChunkRepair;
  readonly #decoder: SSEDecoder;
  readonly #events: SSEEvent[] = [];
  readonly #ready: ChatCompletionChunk[] = [];
  #head = 0;
  /** A chunk was handed out or queued: errors from here on are `streamStarted`. */
  #started = false;
  /** `[DONE]` came: the rest of the body is read (so the connection can be reused) but ignored. */
  #sawDone = false;
  /** The body ended, or the consumer stopped: nothing more is read. */
  #finished = false;
  #failure: unknown;
  #failed = false;
  /** The undecoded rest of the network piece that held the first chunk. */
  #rest: Uint8Array | undefined;

  constructor(body: AsyncIterator<Uint8Array>, options: ChunkRepairOptions & SSEDecoderOptions) {
    this.#body = body;
    this.#repair = new ChunkRepair(options);
    this.#decoder = createSSEDecoder((event) => this.#events.push(event), {
      maxEventSize: options.maxEventSize,
      json: options.json ?? new ChunkJsonParser(),
    });
  }

  next(): Promise<IteratorResult<ChatCompletionChunk>> {
    const ready = this.#shift();
    if (ready) return Promise.resolve(ready);
    if (this.#failed) {
      this.#failed = false;
      this.#finished = true;
      return Promise.reject(this.#failure);
    }
    if (this.#finished) return Promise.resolve(ITERATION_DONE);
    return this.#pull();
  }

  /**
   * A queued chunk, or the next one of the network piece already read (the rest of a burst after
   * its first chunk): what `next()` would resolve with at once. Never reads the body.
   */
  takeReady(): IteratorYieldResult<ChatCompletionChunk> | undefined {
    const ready = this.#shift();
    if (ready || this.#failed || this.#finished) return ready;
    const rest = this.#rest;
    if (!rest) return undefined;
    this.#rest = undefined;
    this.#feed(rest);
    return this.#shift();
  }

  #shift(): IteratorYieldResult<ChatCompletionChunk> | undefined {
    if (this.#head >= this.#ready.length) return undefined;
    const value = this.#ready[this.#head++] as ChatCompletionChunk;
    if (this.#head === this.#ready.length) {
      this.#ready.length = 0;
      this.#head = 0;
    }
    return { done: false, value };
  }

  async return(): Promise<IteratorResult<ChatCompletionChunk>> {
    this.#ready.length = 0;
    this.#head = 0;
    this.#rest = undefined;
    this.#failed = false;
    this.#stop();
    return ITERATION_DONE;
  }

  [Symbol.asyncIterator](): this {
    return this;
  }

  /** Reads network pieces until one repairs into a chunk, or the body ends or fails. */
  async #pull(): Promise<IteratorResult<ChatCompletionChunk>> {
    try {
      while (this.#ready.length === 0 && !this.#failed && !this.#finished) {
        const rest = this.#rest;
        if (rest) {
          this.#rest = undefined;
          this.#feed(rest);
          continue;
        }
        const piece = await this.#body.next();
        if (this.#finished) break; // stopped by the consumer meanwhile
        if (piece.done) {
          this.#finished = true;
          this.#decoder.end();
          this.#repairEvents();
          // No `[DONE]`: accepted when every choice finished (openai-node does the same).
          if (!this.#sawDone && !this.#failed) this.#queue(this.#repair.end(this.#started));
        } else {
          this.#feed(piece.value);
        }
      }
    } catch (error) {
      // The body failed (its iterator is then done), or the end-of-stream check threw.
      this.#finished = true;
      this.#fail(error);
    }
    return this.next();
  }

  /**
   * Decodes and repairs a network piece. Until the first chunk is out, the piece is taken one event
   * at a time and the rest waits for the next pull: the first chunk leaves without waiting for a
   * whole burst of events behind it to be parsed (time to first byte).
   */
  #feed(bytes: Uint8Array): void {
    let piece = bytes;
    while (!this.#started && !this.#failed) {
      const end = firstEventEnd(piece);
      if (end === -1 || end === piece.length) break;
      this.#decoder.feed(piece.subarray(0, end));
      this.#repairEvents();
      piece = piece.subarray(end);
      if (this.#ready.length > 0) {
        this.#rest = piece;
        return;
      }
    }
    if (this.#failed) return;
    this.#decoder.feed(piece);
    this.#repairEvents();
  }

  /** Repairs the decoded events into the queue; after an error, the body is not read further. */
  #repairEvents(): void {
    const events = this.#events;
    try {
      for (const event of events) {
        if (this.#sawDone || this.#failed) continue;
        if (event.type === 'chunk') {
          const unchanged = this.#repair.passThrough(event.chunk as unknown as Json, event.data);
          if (unchanged) {
            this.#ready.push(unchanged);
            this.#started = true;
          } else {
            this.#queue(this.#repair.push(event.chunk as unknown as Json, this.#started));
          }
        } else if (event.type === 'error') {
          this.#fail(event.error);
        } else if (event.type === 'done') {
          this.#sawDone = true;
          this.#queue(this.#repair.end(this.#started));
        }
      }
    } catch (error) {
      this.#fail(error);
    } finally {
      events.length = 0;
    }
    if (this.#failed) this.#stop();
  }

  #queue(chunks: readonly ChatCompletionChunk[]): void {
    for (const chunk of chunks) {
      this.#ready.push(chunk);
      this.#started = true;
    }
  }

  #fail(error: unknown): void {
    if (this.#failed) return;
    this.#failed = true;
    this.#failure = ProtocolError.isInstance(error) ? withStreamStarted(error, this.#started) : error;
  }

  /** Stops reading: the body's iterator is returned (which ends the upstream call). */
  #stop(): void {
    if (this.#finished) return;
    this.#finished = true;
    this.#body.return?.()?.catch(() => {});
  }
}

const LF = 10;
const CR = 13;

/** The offset just past the first blank line (`\n\n` or `\r\n\r\n`) of `bytes`, or -1. */
function firstEventEnd(bytes: Uint8Array): number {
  for (let at = bytes.indexOf(LF); at !== -1; at = bytes.indexOf(LF, at + 1)) {
    if (bytes[at + 1] === LF) return at + 2;
    if (bytes[at + 1] === CR && bytes[at + 2] === LF) return at + 3;
  }
  return -1;
}
