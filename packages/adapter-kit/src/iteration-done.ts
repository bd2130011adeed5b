/** The one "iteration over" result an adapter's iterators return (frozen, so it can be shared). */
export const ITERATION_DONE: IteratorReturnResult<undefined> = Object.freeze({
  done: true,
  value: undefined,
});
