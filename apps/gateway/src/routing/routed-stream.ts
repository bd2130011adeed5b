import { type ReadyItems, takeReady } from '@switchyard/adapter-kit';
import type { ChatCompletionChunk, ProtocolError, Usage } from '@switchyard/protocol';
import type { Attempt } from './attempt.js';
import { StreamTally } from './stream-tally.js';

/** A stream's winning attempt, opened with its first chunk. */
export interface WinningAttempt {
  readonly attempt: Attempt;
  readonly iterator: AsyncIterator<ChatCompletionChunk>;
  readonly first: IteratorResult<ChatCompletionChunk>;
  /** Gives back what the attempt holds (its in-flight count); called once. */
  release(): void;
  /** The attempt failed after its first chunk (not the client's doing): count it. */
  failed(error: ProtocolError): void;
}

/** How long, and how much, to read on after the client left, for the upstream's usage. */
export interface UsageWait {
  readonly ms: number;
  /** Bytes of chunks (as JSON) read after the client left. */
  readonly maxBytes: number;
}

const FINISHED: IteratorResult<ChatCompletionChunk> = Object.freeze({ done: true, value: undefined });
const ignore = () => {};

/**
 * The router's stream as a plain async iterator, without a generator step per chunk: opens on the
 * first `next()` (the fallbacks and retries happen there), then hands each `next()` to the winning
 * attempt's iterator through the attempt's guard (its idle timeout and the client's abort). A
 * failure after the first chunk is the stream's error (`streamStarted`), never another
 * deployment. `return()` stops the upstream at once, even while a `next()` is waiting on it, and a
 * stop by the consumer is not counted against the deployment — unless {@link usageAfterCut} is
 * reading on for the usage of a stream whose every choice had finished. Chunks the attempt's
 * iterator holds at hand pass through `takeReady` ({@link ReadyItems}) while the attempt stands.
 */
export class RoutedStream
  implements AsyncIterableIterator<ChatCompletionChunk>, ReadyItems<ChatCompletionChunk>
{
  readonly #open: () => Promise<WinningAttempt>;
  #opening: Promise<WinningAttempt> | undefined;
  #opened: WinningAttempt | undefined;
  /** Ended: by the upstream, an error, or the consumer. */
  #ended = false;
  /** The consumer called `return()`. */
  #stopped = false;
  /** `usageAfterCut` reads on: it ends the stream itself. */
  #draining = false;
  /** The upstream read in flight, if any. */
  #pending: Promise<IteratorResult<ChatCompletionChunk>> | undefined;
  /** Usage, output and finished choices seen so far. */
  readonly tally = new StreamTally();

  constructor(open: () => Promise<WinningAttempt>) {
    this.#open = open;
  }

  next(): Promise<IteratorResult<ChatCompletionChunk>> {
    if (this.#ended || this.#stopped) return Promise.resolve(FINISHED);
    const opened = this.#opened;
    if (!opened) return this.#first();
    return this.#pull(opened);
  }

  /**
   * The attempt's next chunk if its iterator holds one at hand, counted like one from `next()`;
   * undefined while a `next()` is pending or once the attempt's signal fired (its error then
   * comes through `next()`).
   */
  takeReady(): IteratorYieldResult<ChatCompletionChunk> | undefined {
    const opened = this.#opened;
    if (!opened || this.#ended || this.#stopped || this.#pending || opened.attempt.signal.aborted)
      return undefined;
    const result = takeReady(opened.iterator);
    if (result) this.#count(opened, result.value);
    return result;
  }

  #pull(opened: WinningAttempt): Promise<IteratorResult<ChatCompletionChunk>> {
    opened.attempt.waiting();
    this.#pending = opened.attempt.guard(opened.iterator.next()).then(this.#onResult, this.#onError);
    return this.#pending;
  }

  async return(): Promise<IteratorResult<ChatCompletionChunk>> {
    this.#stopped = true;
    if (this.#draining) return FINISHED;
    const opened = this.#opened ?? (await this.#opening?.catch(() => undefined));
    if (opened) this.#end(opened, false);
    return FINISHED;
  }

  [Symbol.asyncIterator](): this {
    return this;
  }

  async #first(): Promise<IteratorResult<ChatCompletionChunk>> {
    this.#opening ??= this.#open();
    let opened: WinningAttempt;
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
    this.#count(opened, opened.first.value);
    return opened.first;
  }

  readonly #onResult = (result: IteratorResult<ChatCompletionChunk>): IteratorResult<ChatCompletionChunk> => {
    const opened = this.#opened as WinningAttempt;
    this.#pending = undefined;
    if (result.done) {
      this.#end(opened, true);
      return FINISHED;
    }
    this.#count(opened, result.value);
    return result;
  };

  #count(opened: WinningAttempt, chunk: ChatCompletionChunk): void {
    opened.attempt.idle();
    this.tally.add(chunk);
    // Only the usage is still to come: a client leaving now must not stop the upstream before it.
    if (this.tally.allFinished) opened.attempt.outliveClient();
  }

  /**
   * After the client left: when every choice had finished, reads on (within `wait`) for the
   * upstream's usage chunk, then stops the upstream. Resolves with the usage the upstream
   * reported, or undefined. A stream cut mid-answer is not read on (that would pay for output
   * nobody reads); the consumer's `return()` stops it as usual.
   */
  async usageAfterCut(wait: UsageWait): Promise<Usage | undefined> {
    const opened = this.#opened;
    if (!opened || this.#ended || this.tally.usage || !this.tally.allFinished || wait.ms <= 0)
      return this.tally.usage;
    this.#draining = true;
    let timer: ReturnType<typeof setTimeout> | undefined;
    const expired = new Promise<undefined>((resolve) => {
      timer = setTimeout(() => resolve(undefined), wait.ms);
    });
    let bytes = 0;
    try {
      let pending = this.#pending ?? this.#pull(opened);
      for (;;) {
        pending.catch(ignore); // settled after the wait expired and the upstream was stopped
        const result = await Promise.race([pending, expired]);
        if (!result || result.done) break;
        bytes += JSON.stringify(result.value).length;
        if (this.tally.usage || bytes > wait.maxBytes) break;
        pending = this.#pull(opened);
      }
    } catch {
      // The upstream failed after the client left: no usage from it.
    } finally {
      clearTimeout(timer);
      this.#end(opened, false);
    }
    return this.tally.usage;
  }

  readonly #onError = (thrown: unknown): never => {
    const opened = this.#opened as WinningAttempt;
    this.#pending = undefined;
    const { attempt } = opened;
    const error = attempt.errorOf(thrown);
    // The consumer's own stop (return() while this next() waited) is not the deployment's fault.
    if (!attempt.clientAborted && !this.#stopped) opened.failed(error);
    this.#end(opened, false);
    throw error.streamStarted ? error : error.with({ streamStarted: true, cause: error });
  };

  #end(opened: WinningAttempt, upstreamDone: boolean): void {
    if (this.#ended) return;
    this.#ended = true;
    opened.release();
    opened.attempt.dispose();
    if (!upstreamDone) opened.iterator.return?.()?.catch(() => {});
  }
}
