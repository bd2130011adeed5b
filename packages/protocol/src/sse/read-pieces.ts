/** The pieces of a body, read one by one. */
export interface PieceReader {
  next(): Promise<IteratorResult<Uint8Array>>;
  /** Stops the source without waiting for it: a hung source must not hang the consumer. */
  cancel(): void;
}

/** Reads a web stream or an async iterable of bytes piece by piece. */
export function readPieces(source: ReadableStream<Uint8Array> | AsyncIterable<Uint8Array>): PieceReader {
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
      try {
        if (iterator.return) Promise.resolve(iterator.return()).catch(ignore);
      } catch {
        // A source that fails to stop is still abandoned.
      }
    },
  };
}

function isReadableStream(value: unknown): value is ReadableStream<Uint8Array> {
  return typeof (value as ReadableStream).getReader === 'function';
}

function ignore(): void {}
