import type { ChatCompletion, ChatCompletionChunk } from '@switchyard/protocol';

/** One server-sent event exactly as the upstream sent it: its `event:` name and its `data:` text. */
export interface NativeSSEFrame {
  readonly event: string | undefined;
  readonly data: string;
}

/**
 * The key under which an adapter that passed a request through natively (see
 * `AdapterContext.frontDoor`) hangs the upstream's own answer on the canonical values it yields:
 * the SSE frames behind a chunk, or the JSON body behind a completion. The pipeline (usage,
 * ledger, budgets, cache) reads the canonical fields as always; the front door of the same
 * protocol relays the native answer verbatim. A symbol, so it never reaches JSON (a cached answer
 * is replayed translated) and no upstream field can collide with it.
 */
export const NATIVE_ANSWER: unique symbol = Symbol.for('switchyard.native-answer');

interface NativeAnswer {
  /** The front door whose wire format the answer is in (`'messages'`). */
  readonly door: string;
  readonly frames?: readonly NativeSSEFrame[];
  readonly body?: unknown;
}

type Carrier = { [NATIVE_ANSWER]?: NativeAnswer };

function attach<T extends object>(value: T, answer: NativeAnswer): T {
  // Enumerable, so that spreading a chunk (`{ ...chunk, usage: undefined }`) keeps it.
  Object.defineProperty(value, NATIVE_ANSWER, { value: answer, enumerable: true, configurable: true });
  return value;
}

/**
 * Marks `chunk` as the canonical reading of `frames`, upstream SSE frames in the wire format of
 * `door`: that door writes the frames instead of encoding the chunk. Every frame of the upstream
 * stream should ride on some chunk, in order (frames that yield no chunk, such as `ping`, on the
 * next one). Returns the same chunk.
 */
export function withNativeFrames(
  chunk: ChatCompletionChunk,
  door: string,
  frames: readonly NativeSSEFrame[],
): ChatCompletionChunk {
  return attach(chunk, { door, frames });
}

/** The upstream frames behind `chunk` when they are in `door`'s wire format, else undefined. */
export function nativeFramesOf(
  chunk: ChatCompletionChunk,
  door: string,
): readonly NativeSSEFrame[] | undefined {
  const answer = (chunk as Carrier)[NATIVE_ANSWER];
  return answer?.door === door ? answer.frames : undefined;
}

/** Marks `completion` as the canonical reading of `body`, an upstream answer in `door`'s format. */
export function withNativeBody(completion: ChatCompletion, door: string, body: unknown): ChatCompletion {
  return attach(completion, { door, body });
}

/** The upstream body behind `completion` when it is in `door`'s wire format, else undefined. */
export function nativeBodyOf(completion: ChatCompletion, door: string): unknown {
  const answer = (completion as Carrier)[NATIVE_ANSWER];
  return answer?.door === door ? answer.body : undefined;
}
