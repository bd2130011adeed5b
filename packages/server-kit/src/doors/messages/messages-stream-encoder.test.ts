import { readFileSync } from 'node:fs';
import Anthropic from '@anthropic-ai/sdk';
import { MESSAGES_DOOR, withNativeFrames } from '@switchyard/adapter-kit';
import { type ChatCompletionChunk, RateLimitError, type Usage } from '@switchyard/protocol';
import { describe, expect, it } from 'vitest';
import { MessagesStreamEncoder } from './messages-stream-encoder.js';

/** A real Anthropic SDK whose HTTP answer is the given SSE text (no network). */
function sdkReading(sse: string): Anthropic {
  return new Anthropic({
    apiKey: 'test',
    maxRetries: 0,
    fetch: async () =>
      new Response(sse, { headers: { 'content-type': 'text/event-stream', 'request-id': 'req_1' } }),
  });
}

/** Feeds chunks to the encoder as the server does: usage taken off the chunks and given to `end`. */
function encode(chunks: ChatCompletionChunk[], failure?: RateLimitError): string {
  const encoder = new MessagesStreamEncoder({ model: 'glm-5.1', fallbackId: 'req_1' });
  let usage: Usage | undefined;
  let usageChunk: ChatCompletionChunk | undefined;
  let out = encoder.start();
  for (const chunk of chunks) {
    if (chunk.usage) {
      usage = chunk.usage;
      usageChunk = chunk;
    }
    if (chunk.choices.length > 0) out += encoder.chunk({ ...chunk, usage: undefined });
  }
  if (failure) return out + encoder.error(failure);
  return out + encoder.end(usage, usageChunk);
}

const params = { model: 'glm-5.1', max_tokens: 100, messages: [{ role: 'user' as const, content: 'Hi' }] };

describe('MessagesStreamEncoder', () => {
  it('translates a recorded DeepSeek stream (thinking, then a tool call) that the SDK accumulates', async () => {
    const chunks = readFileSync(
      new URL('./__fixtures__/deepseek-tool-call.chunks.txt', import.meta.url),
      'utf8',
    )
      .split('\n')
      .filter(Boolean)
      .map((line) => JSON.parse(line) as ChatCompletionChunk);
    const reasoning = chunks.map((c) => c.choices[0]?.delta.reasoning_content ?? '').join('');
    const args = chunks.map((c) => c.choices[0]?.delta.tool_calls?.[0]?.function?.arguments ?? '').join('');
    const sse = encode(chunks);
    const message = await sdkReading(sse).messages.stream(params).finalMessage();
    expect(message.id).toBe('msg_cca85624-4056-401f-b220-d77601d1f70d');
    expect(message.content).toStrictEqual([
      { type: 'thinking', thinking: reasoning, signature: '' },
      { type: 'tool_use', id: expect.stringMatching(/^call_00_/), name: 'weather', input: JSON.parse(args) },
    ]);
    expect(message.stop_reason).toBe('tool_use');
    // Usage arrives in message_delta: chat's prompt_tokens (339) less the 320 cached.
    expect(message.usage).toMatchObject({
      input_tokens: 19,
      output_tokens: 83,
      cache_read_input_tokens: 320,
      cache_creation_input_tokens: 0,
    });
  });

  it('opens with message_start and closes every block in order', () => {
    const chunk = (
      delta: ChatCompletionChunk['choices'][number]['delta'],
      finish?: string,
    ): ChatCompletionChunk => ({
      id: 'c1',
      object: 'chat.completion.chunk',
      created: 0,
      model: 'glm-5.1',
      choices: [{ index: 0, delta, finish_reason: finish ?? null }],
    });
    const sse = encode([chunk({ role: 'assistant', content: 'He' }), chunk({ content: 'llo' }, 'length')]);
    const events = [...sse.matchAll(/^event: (\w+)$/gm)].map((m) => m[1]);
    expect(events).toStrictEqual([
      'message_start',
      'content_block_start',
      'content_block_delta',
      'content_block_delta',
      'content_block_stop',
      'message_delta',
      'message_stop',
    ]);
    expect(sse).toContain('"stop_reason":"max_tokens"');
  });

  it('reports a failure after the start as an error event the SDK raises', async () => {
    const chunk: ChatCompletionChunk = {
      id: 'c1',
      object: 'chat.completion.chunk',
      created: 0,
      model: 'glm-5.1',
      choices: [{ index: 0, delta: { content: 'Hi' }, finish_reason: null }],
    };
    const sse = encode([chunk], new RateLimitError({ message: 'Upstream rate limit', status: 429 }));
    expect(sse).toMatch(
      /event: error\ndata: {"type":"error","error":{"type":"rate_limit_error","message":"Upstream rate limit"}}/,
    );
    await expect(sdkReading(sse).messages.stream(params).finalMessage()).rejects.toThrow(
      /Upstream rate limit/,
    );
  });

  it('relays native frames verbatim and ends with message_stop even when none rode on a chunk', () => {
    const encoder = new MessagesStreamEncoder({ model: 'm', fallbackId: 'r' });
    const chunk: ChatCompletionChunk = {
      id: 'c',
      object: 'chat.completion.chunk',
      created: 0,
      model: 'm',
      choices: [],
    };
    const frames = [
      { event: 'message_start', data: '{"type":"message_start","message":{"id":"msg_x"}}' },
      { event: 'ping', data: '{"type": "ping"}' },
    ];
    expect(encoder.start() + encoder.chunk(withNativeFrames(chunk, MESSAGES_DOOR, frames))).toBe(
      'event: message_start\ndata: {"type":"message_start","message":{"id":"msg_x"}}\n\nevent: ping\ndata: {"type": "ping"}\n\n',
    );
    expect(encoder.end(undefined, undefined)).toBe('event: message_stop\ndata: {"type":"message_stop"}\n\n');
  });
});
