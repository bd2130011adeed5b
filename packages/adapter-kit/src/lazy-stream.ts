import { ITERATION_DONE } from './iteration-done.js';
import { type ReadyItems, takeReady } from './ready-items.js';

/** What {@link lazyStream} opens: the items, and how to release what they come from. */
export interface LazyStreamSource<T> {
  readonly items: AsyncIterator<T>;
  /** Called when the consumer stops early, even before the first item was asked for. Idempotent. */
  readonly close: () => void;
}

/**
 * An async iterator that runs `open` on the first `next()` and then hands every `next()` straight
 * to the iterator it opened: the setup an async generator would do before `yield*`, without a
 * generator step and a promise per item for the delegation. `return()` stops the opened items
 * and calls `close`, also while they are still being opened. Items the opened iterator holds at
 * hand pass through `takeReady` ({@link ReadyItems}).
 */
export function lazyStream<T>(
  open: () => Promise<LazyStreamSource<T>>,
): AsyncIterableIterator<T> & ReadyItems<T> {
  let inner: LazyStreamSource<T> | undefined;
  let opening: Promise<LazyStreamSource<T>> | undefined;
  let closed = false;
  return {
    next() {
      if (inner) return inner.items.next();
      if (closed) return Promise.resolve(ITERATION_DONE);
      opening ??= open().then((opened) => {
        inner = opened;
        return opened;
      });
      return opening.then((opened) => (closed ? ITERATION_DONE : opened.items.next()));
    },
    takeReady() {
      return inner && !closed ? takeReady(inner.items) : undefined;
    },
    async return() {
      closed = true;
      const opened = inner ?? (await opening?.catch(() => undefined));
      if (opened) {
        opened.close();
        await opened.items.return?.();
      }
      return ITERATION_DONE;
    },
    [Symbol.asyncIterator]() {
      return this;
    },
  };
}

/** @deprecated Renamed {@link LazyStreamSource}; this alias goes in the next minor version. */
export type Opened<T> = LazyStreamSource<T>;

/** @deprecated Renamed {@link lazyStream}; this alias goes in the next minor version. */
export const openedStream: typeof lazyStream = lazyStream;
