import type { ChatCompletionChunk, ProtocolError } from '@switchyard/protocol';
import type { Attempt } from './attempt.js';

/** A stream's winning attempt, opened with its first chunk. */
export interface OpenedStream {
  readonly attempt: Attempt;
  readonly iterator: AsyncIterator<ChatCompletionChunk>;
  readonly first: IteratorResult<ChatCompletionChunk>;
  /** Gives back what the attempt holds (its in-flight count); called once. */
  release(): void;
  /** The attempt failed after its first chunk (not the client's doing): count it. */
  failed(error: ProtocolError): void;
}

const FINISHED: IteratorResult<ChatCompletionChunk> = Object.freeze({ done: true, value: undefined });

/**
 * The router's stream as a plain async iterator, without a generator step per chunk: opens on the
 * first `next()` (the fallbacks and retries happen there), then hands each `next()` to the winning
 * attempt's iterator through the attempt's guard (its idle timeout and the client's abort). A
 * failure after the first chunk is the stream's error (`streamStarted`), never another
 * deployment. `return()` stops the upstream at once, even while a `next()` is waiting on it, and a
 * stop by the consumer is not counted against the deployment.
 */
export class RoutedStream implements AsyncIterableIterator<ChatCompletionChunk> {
  readonly #open: () => Promise<OpenedStream>;
  #opening: Promise<OpenedStream> | undefined;
  #opened: OpenedStream | undefined;
  /** Ended: by the upstream, an error, or the consumer. */
  #ended = false;
  /** The consumer called `return()`. */
  #stopped = false;

  constructor(open: () => Promise<OpenedStream>) {
    this.#open = open;
  }

  next(): Promise<IteratorResult<ChatCompletionChunk>> {
    if (this.#ended || this.#stopped) return Promise.resolve(FINISHED);
    const opened = this.#opened;
    if (!opened) return this.#first();
    opened.attempt.waiting();
    return opened.attempt.guard(opened.iterator.next()).then(this.#onResult, this.#onError);
  }

  async return(): Promise<IteratorResult<ChatCompletionChunk>> {
    this.#stopped = true;
    const opened = this.#opened ?? (await this.#opening?.catch(() => undefined));
    if (opened) this.#end(opened, false);
    return FINISHED;
  }

  [Symbol.asyncIterator](): this {
    return this;
  }

  async #first(): Promise<IteratorResult<ChatCompletionChunk>> {
    this.#opening ??= this.#open();
    let opened: OpenedStream;
    try {
      opened = await this.#opening;
    } catch (error) {
      this.#ended = true; // every deployment failed: the error is the answer, nothing is open
      throw error;
    }
    this.#opened = opened;
    if (this.#stopped) {
      this.#end(opened, false);
      return FINISHED;
    }
    if (opened.first.done) {
      this.#end(opened, true);
      return FINISHED;
    }
    opened.attempt.idle();
    return opened.first;
  }

  readonly #onResult = (result: IteratorResult<ChatCompletionChunk>): IteratorResult<ChatCompletionChunk> => {
    const opened = this.#opened as OpenedStream;
    if (result.done) {
      this.#end(opened, true);
      return FINISHED;
    }
    opened.attempt.idle();
    return result;
  };

  readonly #onError = (thrown: unknown): never => {
    const opened = this.#opened as OpenedStream;
    const { attempt } = opened;
    const error = attempt.errorOf(thrown);
    // The consumer's own stop (return() while this next() waited) is not the deployment's fault.
    if (!attempt.clientAborted && !this.#stopped) opened.failed(error);
    this.#end(opened, false);
    throw error.streamStarted ? error : error.with({ streamStarted: true, cause: error });
  };

  #end(opened: OpenedStream, upstreamDone: boolean): void {
    if (this.#ended) return;
    this.#ended = true;
    opened.release();
    opened.attempt.dispose();
    if (!upstreamDone) opened.iterator.return?.()?.catch(() => {});
  }
}
