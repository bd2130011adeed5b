import {
  type AdapterContext,
  MESSAGES_DOOR,
  type MessagesDoorNative,
  nativeBodyOf,
  nativeFramesOf,
} from '@switchyard/adapter-kit';
import { accumulateChunks, type ChatCompletionChunk, type ChatCompletionRequest } from '@switchyard/protocol';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { adapterContext } from '../test/support/adapter-context.js';
import {
  readFixture,
  startUpstream,
  type Upstream,
  type UpstreamReply,
  vectorReply,
} from '../test/support/upstream-server.js';
import { createAnthropicAdapter } from './anthropic-adapter.js';

// A request from the Messages front door is sent natively to a local mock of Anthropic that
// replays recorded streams: the client's body goes out as sent (model aside), `anthropic-beta`
// is forwarded, and every upstream frame rides on the canonical chunks in order.

let upstream: Upstream;
let reply: UpstreamReply;
beforeAll(async () => {
  upstream = await startUpstream(() => reply);
});
afterAll(() => upstream.close());

const clientBody = {
  model: 'claude-sonnet-4-5',
  max_tokens: 2048,
  stream: true,
  system: [{ type: 'text' as const, text: 'Be terse.', cache_control: { type: 'ephemeral' as const } }],
  thinking: { type: 'enabled' as const, budget_tokens: 1024 },
  messages: [
    {
      role: 'assistant' as const,
      content: [{ type: 'thinking' as const, thinking: 'Earlier.', signature: 'sig-earlier' }],
    },
    { role: 'user' as const, content: 'Divide by 5.' },
  ],
};
// The canonical request is what the pipeline sees; its model is the deployment's.
const canonical: ChatCompletionRequest = {
  model: 'claude-sonnet-4-5-20250929',
  messages: [{ role: 'user', content: 'Divide by 5.' }],
};

function context(): AdapterContext {
  const native: MessagesDoorNative = { body: clientBody, anthropicBeta: 'interleaved-thinking-2025-05-14' };
  return { ...adapterContext(), frontDoor: { name: MESSAGES_DOOR, native } };
}

function adapter() {
  return createAnthropicAdapter({
    baseURL: upstream.baseURL,
    apiKey: 'sk-ant-test',
    headers: { 'anthropic-beta': 'prompt-caching-2024-07-31' },
  });
}

describe('native passthrough (mock Anthropic upstream)', () => {
  it('streams: sends the client body and beta header, and carries every frame in order', async () => {
    reply = vectorReply('anthropic-clear-thinking.1.chunks.txt');
    const chunks: ChatCompletionChunk[] = [];
    for await (const chunk of adapter().stream?.(canonical, context()) ?? []) chunks.push(chunk);

    const sent = upstream.requests.at(-1);
    expect(JSON.parse(sent?.body ?? '')).toStrictEqual({
      ...clientBody,
      model: 'claude-sonnet-4-5-20250929',
    });
    expect(sent?.headers['anthropic-beta']).toBe('prompt-caching-2024-07-31,interleaved-thinking-2025-05-14');

    const relayed = chunks.flatMap((chunk) => nativeFramesOf(chunk, MESSAGES_DOOR) ?? []);
    const recorded = readFixture('anthropic-clear-thinking.1.chunks.txt').split('\n').filter(Boolean);
    expect(relayed.map((frame) => frame.data)).toStrictEqual(recorded);
    expect(relayed.map((frame) => frame.event)).toStrictEqual(recorded.map((line) => JSON.parse(line).type));

    // The pipeline still reads canonical chunks: text, reasoning with its signature, usage.
    const completion = await accumulateChunks(chunks);
    expect(completion.choices[0]?.message.content).toBe('925 ÷ 5 = 185');
    expect(completion.choices[0]?.finish_reason).toBe('stop');
    expect(completion.usage).toMatchObject({ prompt_tokens: 69, completion_tokens: 53 });
    expect(JSON.stringify(chunks)).toContain(
      'EvQBCkYICxgCKkAxhD4NUKFzudtZ6NzbZdEiBACIScTzqjPViM596iWLZIk4EFKYYBj3',
    );
  });

  it('answers whole: the upstream body rides on the canonical completion', async () => {
    reply = vectorReply('anthropic-clear-thinking.1.json');
    const completion = await adapter().complete?.(canonical, context());
    if (!completion) throw new Error('no completion');
    expect(nativeBodyOf(completion, MESSAGES_DOOR)).toStrictEqual(
      JSON.parse(readFixture('anthropic-clear-thinking.1.json')),
    );
    const { stream: _, ...whole } = clientBody;
    expect(upstream.lastBody()).toStrictEqual({ ...whole, model: 'claude-sonnet-4-5-20250929' });
    expect(completion.usage?.prompt_tokens).toBeGreaterThan(0);
  });

  it('counts tokens natively with the client body (no max_tokens or stream) and its beta header', async () => {
    reply = { headers: { 'content-type': 'application/json' }, body: '{"input_tokens":42}' };
    expect(await adapter().countTokens?.(canonical, context())).toBe(42);
    const sent = upstream.requests.at(-1);
    expect(sent?.url).toBe('/v1/messages/count_tokens');
    const { stream: _, max_tokens: __, ...counted } = clientBody;
    expect(JSON.parse(sent?.body ?? '')).toStrictEqual({ ...counted, model: 'claude-sonnet-4-5-20250929' });
    expect(sent?.headers['anthropic-beta']).toContain('interleaved-thinking-2025-05-14');
  });

  it('translates as before without a Messages front door', async () => {
    reply = vectorReply('anthropic-text.chunks.txt');
    const chunks: ChatCompletionChunk[] = [];
    for await (const chunk of adapter().stream?.(canonical, adapterContext()) ?? []) chunks.push(chunk);
    expect(chunks.some((chunk) => nativeFramesOf(chunk, MESSAGES_DOOR))).toBe(false);
    expect(upstream.requests.at(-1)?.headers['anthropic-beta']).toBe('prompt-caching-2024-07-31');
  });
});
