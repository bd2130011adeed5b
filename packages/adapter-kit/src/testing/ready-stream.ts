import type { ReadyItems } from '../ready-items.js';

/**
 * A stream of `items` shaped like one network read: the first item comes through `next()`, then
 * every other item is at hand through `takeReady()` ({@link ReadyItems}). `onNext` sees each
 * `next()` call, so a test can count how many promises a consumer waited for.
 */
export function readyStream<T>(
  items: readonly T[],
  onNext: () => void = () => {},
): AsyncIterableIterator<T> & ReadyItems<T> {
  let at = 0;
  const stream: AsyncIterableIterator<T> & ReadyItems<T> = {
    next: async () => {
      onNext();
      const value = items[at++];
      return value === undefined ? { done: true, value: undefined } : { done: false, value };
    },
    takeReady: () => {
      const value = at > 0 ? items[at] : undefined;
      if (value === undefined) return undefined;
      at++;
      return { done: false, value };
    },
    [Symbol.asyncIterator]: () => stream,
  };
  return stream;
}
