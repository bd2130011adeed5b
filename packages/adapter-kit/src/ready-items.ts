/**
 * An async iterator that can also hand out an item it already holds without a promise: a stream
 * that decodes a whole network read at once has every chunk of that read at hand, and a consumer
 * that takes them with {@link takeReady} pays no promise and no microtask per chunk for them.
 *
 * `takeReady()` returns exactly what the next `next()` would resolve with at once, consuming it, or
 * undefined when that would mean waiting (then call `next()`). It never ends the stream or throws:
 * the end and errors come through `next()`, as always.
 */
export interface ReadyItems<T> extends AsyncIterator<T> {
  takeReady(): IteratorYieldResult<T> | undefined;
}

/** The next item of `iterator` if it offers one at hand ({@link ReadyItems}), else undefined. */
export function takeReady<T>(iterator: AsyncIterator<T>): IteratorYieldResult<T> | undefined {
  return (iterator as Partial<ReadyItems<T>>).takeReady?.();
}
