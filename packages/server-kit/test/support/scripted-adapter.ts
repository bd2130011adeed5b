import type { AdapterContext, ChatAdapter } from '@switchyard/adapter-kit';
import type { ChatCompletion, ChatCompletionChunk, ChatCompletionRequest, Usage } from '@switchyard/protocol';

/** A chunk of completion `id` with one choice delta (or none). */
export function chunk(
  choice: Partial<ChatCompletionChunk['choices'][number]> | null,
  extra: Partial<ChatCompletionChunk> = {},
): ChatCompletionChunk {
  return {
    id: 'chatcmpl-test',
    object: 'chat.completion.chunk',
    created: 1,
    model: 'test-model',
    choices: choice ? [{ index: 0, delta: {}, logprobs: null, finish_reason: null, ...choice }] : [],
    ...extra,
  };
}

export const USAGE: Usage = { prompt_tokens: 5, completion_tokens: 2, total_tokens: 7 };

/** The chunks of "Hello world": role, two content pieces, finish, usage. */
export function helloChunks(): ChatCompletionChunk[] {
  return [
    chunk({ delta: { role: 'assistant', content: '' } }),
    chunk({ delta: { content: 'Hello' } }),
    chunk({ delta: { content: ' world' } }),
    chunk({ delta: {}, finish_reason: 'stop' }),
    chunk(null, { usage: USAGE }),
  ];
}

export function helloCompletion(): ChatCompletion {
  return {
    id: 'chatcmpl-test',
    object: 'chat.completion',
    created: 1,
    model: 'test-model',
    choices: [
      {
        index: 0,
        message: { role: 'assistant', content: 'Hello world' },
        logprobs: null,
        finish_reason: 'stop',
      },
    ],
    usage: USAGE,
  };
}

/** An adapter for `test-model` whose answers the test scripts. */
export function scriptedAdapter(script: {
  stream?: (request: ChatCompletionRequest, context: AdapterContext) => AsyncIterable<ChatCompletionChunk>;
  complete?: (request: ChatCompletionRequest, context: AdapterContext) => Promise<ChatCompletion>;
  models?: string[];
}): ChatAdapter {
  const adapter: ChatAdapter = {
    specificationVersion: 'v1',
    provider: 'scripted',
    async listModels() {
      return (script.models ?? ['test-model']).map((id) => ({
        id,
        object: 'model',
        created: 0,
        owned_by: 'test',
      }));
    },
  };
  if (script.stream) adapter.stream = script.stream;
  if (script.complete) adapter.complete = script.complete;
  return adapter;
}

/** Yields `chunks`, then waits for the abort signal forever (a stalled upstream). */
export async function* chunksThenStall(
  chunks: ChatCompletionChunk[],
  context: AdapterContext,
): AsyncGenerator<ChatCompletionChunk> {
  yield* chunks;
  await new Promise((_resolve, reject) => {
    context.signal.addEventListener('abort', () => reject(context.signal.reason), { once: true });
  });
}

/** A request body for `test-model`. */
export function body(extra: Record<string, unknown> = {}): string {
  return JSON.stringify({ model: 'test-model', messages: [{ role: 'user', content: 'Hi' }], ...extra });
}

/** A stream that fails with `error` on its first `next()`, after `delayMs`. */
export function failingStream(error: unknown, delayMs = 0): AsyncIterable<ChatCompletionChunk> {
  return {
    [Symbol.asyncIterator]: () => ({
      next: async () => {
        if (delayMs > 0) await new Promise((resolve) => setTimeout(resolve, delayMs));
        throw error;
      },
    }),
  };
}
