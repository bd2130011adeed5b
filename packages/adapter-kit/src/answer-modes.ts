import {
  type ChatCompletion,
  ChatCompletionAccumulator,
  type ChatCompletionChunk,
  completionToChunks,
} from '@switchyard/protocol';

/** Chunks pulled one at a time, and stopped when the caller leaves early. */
export interface ChunkPuller {
  next(): Promise<IteratorResult<ChatCompletionChunk>>;
  /** `done`: the chunks ran out by themselves; otherwise stop the producer (its `finally` runs). */
  close(done: boolean): void;
}

/** A puller over an iterator, each wait passed through `step` (a timeout, an abort guard…). */
export function pullerOf(
  iterator: AsyncIterator<ChatCompletionChunk>,
  step: (
    pending: Promise<IteratorResult<ChatCompletionChunk>>,
  ) => Promise<IteratorResult<ChatCompletionChunk>> = (pending) => pending,
): ChunkPuller {
  return {
    next: () => step(iterator.next()),
    close(done) {
      if (!done) iterator.return?.()?.catch(() => {});
    },
  };
}

/**
 * The complete answer a chunk stream adds up to: for a non-stream request served by an adapter
 * (or deployment) that only streams. Throws when the stream ended before every choice finished.
 */
export async function completionOfChunks(source: ChunkPuller): Promise<ChatCompletion> {
  const accumulator = new ChatCompletionAccumulator();
  let done = false;
  try {
    for (let result = await source.next(); !result.done; result = await source.next())
      accumulator.add(result.value);
    done = true;
  } finally {
    source.close(done);
  }
  return accumulator.complete();
}

/**
 * The chunks a stream of a complete answer would have sent, its usage chunk included: for a
 * stream request served by an adapter that only answers whole.
 */
export async function* chunksOfCompletion(
  pending: Promise<ChatCompletion> | ChatCompletion,
): AsyncGenerator<ChatCompletionChunk> {
  yield* completionToChunks(await pending, { includeUsage: true });
}
