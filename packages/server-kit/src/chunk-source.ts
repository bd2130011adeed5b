import { takeReady } from '@switchyard/adapter-kit';
import type { ChatCompletionChunk } from '@switchyard/protocol';

/**
 * An adapter's chunk iterator whose pending `next()` rejects the moment `signal` fires, so the
 * server stops waiting even when an adapter is slow to honour its signal. One promise per chunk
 * and one abort listener per request: no `Promise.race` against a long-lived promise, which
 * would pile up reactions on every chunk.
 */
export class ChunkSource {
  readonly #iterator: AsyncIterator<ChatCompletionChunk>;
  readonly #signal: AbortSignal;
  #reject: ((reason: unknown) => void) | undefined;
  #closed = false;
  readonly #onAbort = () => this.#reject?.(this.#signal.reason);

  constructor(iterable: AsyncIterable<ChatCompletionChunk>, signal: AbortSignal) {
    this.#iterator = iterable[Symbol.asyncIterator]();
    this.#signal = signal;
    signal.addEventListener('abort', this.#onAbort, { once: true });
  }

  next(): Promise<IteratorResult<ChatCompletionChunk>> {
    if (this.#signal.aborted) return Promise.reject(this.#signal.reason);
    const pending = this.#iterator.next();
    return new Promise((resolve, reject) => {
      this.#reject = reject;
      pending.then(resolve, reject);
    });
  }

  /**
   * The adapter's next chunk if its iterator holds one at hand (`ReadyItems`), without a promise;
   * undefined when it would have to wait, or once `signal` fired: then call {@link next}.
   */
  takeReady(): IteratorYieldResult<ChatCompletionChunk> | undefined {
    return this.#signal.aborted || this.#closed ? undefined : takeReady(this.#iterator);
  }

  /** Stops the adapter's iterator (its `finally` blocks run) without waiting for it. */
  close(done: boolean): void {
    if (this.#closed) return;
    this.#closed = true;
    this.#signal.removeEventListener('abort', this.#onAbort);
    this.#reject = undefined;
    if (!done) this.#iterator.return?.()?.catch(() => {});
  }
}
