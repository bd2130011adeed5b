import {
  type AdapterContext,
  abortable,
  type ChatAdapter,
  chunksOfCompletion,
  completionOfChunks,
} from '@switchyard/adapter-kit';
import {
  type ChatCompletion,
  type ChatCompletionChunk,
  type ChatCompletionRequest,
  ErrorCode,
  ServerError,
} from '@switchyard/protocol';
import type { ChatServerOptions, ChatServerResult, Locals } from './chat-server-types.js';
import { ChunkSource } from './chunk-source.js';
import type { FrontDoor } from './front-door.js';
import type { RequestState } from './request-state.js';
import { DEFAULT_RESPONSE_LIMIT, responseTooLarge } from './response-size.js';
import { errorResult, jsonTextResult } from './results.js';
import { awaitFirstChunk, streamIncomplete, streamResult } from './stream-response.js';
import { utf8Length } from './utf8-length.js';

function adapterContext<Vars extends Locals>(state: RequestState<Vars>, door: FrontDoor): AdapterContext {
  return {
    requestId: state.requestId,
    signal: state.signal,
    deadline: state.deadline,
    logger: state.logger,
    locals: state.locals,
    frontDoor: { name: door.name, native: state.native },
  };
}

function noMode(adapter: ChatAdapter): ServerError {
  return new ServerError({
    message: `Adapter '${adapter.provider}' implements neither complete nor stream.`,
    code: ErrorCode.serverError,
  });
}

/** A non-stream answer in `door`'s format: `complete`, or the adapter's stream accumulated. */
export async function completeChat<Vars extends Locals>(
  state: RequestState<Vars>,
  door: FrontDoor,
  adapter: ChatAdapter,
  request: ChatCompletionRequest,
  options: ChatServerOptions<Vars>,
): Promise<ChatServerResult> {
  const context = adapterContext(state, door);
  let completion: ChatCompletion;
  if (adapter.complete) completion = await abortable(adapter.complete(request, context), state.signal);
  else if (adapter.stream)
    completion = await completionOfChunks(new ChunkSource(adapter.stream(request, context), state.signal));
  else throw noMode(adapter);
  const firstChunkAt = Date.now();
  let usage = completion.usage ?? undefined;
  if (usage && options.transformUsage) {
    usage = options.transformUsage(usage, state);
    completion = { ...completion, usage };
  }
  const body = JSON.stringify(await door.encodeCompletion(completion, state.native, state));
  const limit = options.responseLimit ?? DEFAULT_RESPONSE_LIMIT;
  if (utf8Length(body) > limit) return errorResult(state, responseTooLarge(limit, state.requestId), usage);
  return jsonTextResult(state, 200, body, { usage, firstChunkAt });
}

/**
 * A stream answer in `door`'s format: the adapter's stream, or its whole answer cut into chunks.
 * Waits for the first chunk so that early failures are real HTTP errors (see `awaitFirstChunk`).
 */
export async function streamChat<Vars extends Locals>(
  state: RequestState<Vars>,
  door: FrontDoor,
  adapter: ChatAdapter,
  request: ChatCompletionRequest,
  options: ChatServerOptions<Vars>,
  keepAliveMs: number,
): Promise<ChatServerResult> {
  const context = adapterContext(state, door);
  let iterable: AsyncIterable<ChatCompletionChunk>;
  if (adapter.stream) iterable = adapter.stream(request, context);
  else if (adapter.complete) iterable = chunksOfCompletion(adapter.complete(request, context));
  else throw noMode(adapter);
  const source = new ChunkSource(iterable, state.signal);
  let first: Awaited<ReturnType<typeof awaitFirstChunk>>;
  try {
    first = await awaitFirstChunk(source, keepAliveMs);
    if (first.kind === 'chunk' && first.result.done) {
      throw streamIncomplete('The model stream ended before its first chunk.');
    }
  } catch (error) {
    source.close(true);
    return errorResult(state, error);
  }
  try {
    state.commit(200, false);
  } catch (error) {
    source.close(false);
    return errorResult(state, error);
  }
  return streamResult(state, source, first, door.streamEncoder(state.native, state), options, keepAliveMs);
}
