import { type TestUpstream, testAdapterContext } from '@switchyard/adapter-kit/testing';
import { accumulateChunks, type ChatCompletionChunk, type ChatCompletionRequest } from '@switchyard/protocol';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startFakeGeminiUpstream } from '../test/support/fake-gemini-upstream.js';
import { createGeminiAdapter } from './gemini-adapter.js';

// Multi-turn flows against the fake Gemini upstream (a deterministic test server, not recorded traffic).

let upstream: TestUpstream;
beforeEach(async () => {
  upstream = await startFakeGeminiUpstream();
});
afterEach(() => upstream.close());

const weatherTool = {
  type: 'function',
  function: {
    name: 'get_weather',
    parameters: { type: 'object', properties: { city: { type: 'string' } }, required: ['city'] },
  },
} as NonNullable<ChatCompletionRequest['tools']>[number];

describe('tool loop with thought signatures (fake Gemini upstream)', () => {
  it('hands the signature out on the tool call and sends it back with the call in the next turn', async () => {
    const adapter = createGeminiAdapter({ baseURL: upstream.baseURL, apiKey: 'fake-key' });
    const first: ChatCompletionRequest = {
      model: 'gemini-3-pro-preview',
      messages: [{ role: 'user', content: 'Weather in Paris?' }],
      tools: [weatherTool],
    };
    const completion = await adapter.complete!(first, testAdapterContext());
    const message = completion.choices[0]!.message;
    expect(completion.choices[0]?.finish_reason).toBe('tool_calls');
    expect(message.tool_calls).toStrictEqual([
      {
        id: expect.stringMatching(/^call_fake[0-9a-f]{16}_0$/),
        type: 'function',
        function: { name: 'get_weather', arguments: '{"city":"xxxx"}' },
        extra_content: { google: { thought_signature: 'fake-signature-0' } },
      },
    ]);

    // The client replays the assistant message as it got it, then the tool result.
    const second = await adapter.complete!(
      {
        ...first,
        messages: [
          ...first.messages,
          message as ChatCompletionRequest['messages'][number],
          { role: 'tool', tool_call_id: message.tool_calls![0]!.id, content: '18°C' },
        ],
      },
      testAdapterContext(),
    );
    const sent = JSON.parse(upstream.requests[1]!.body);
    expect(sent.contents.slice(1)).toStrictEqual([
      {
        role: 'model',
        parts: [
          {
            functionCall: { id: message.tool_calls![0]!.id, name: 'get_weather', args: { city: 'xxxx' } },
            thoughtSignature: 'fake-signature-0',
          },
        ],
      },
      {
        role: 'user',
        parts: [
          {
            functionResponse: {
              id: message.tool_calls![0]!.id,
              name: 'get_weather',
              response: { name: 'get_weather', content: '18°C' },
            },
          },
        ],
      },
    ]);
    expect(second.choices[0]?.message.content).toBe('Results: {"name":"get_weather","content":"18°C"}');
    expect(second.choices[0]?.finish_reason).toBe('stop');
  });

  it('streams the same answer as the whole request gives, for n = 2 with thoughts', async () => {
    const adapter = createGeminiAdapter({ baseURL: upstream.baseURL, apiKey: 'fake-key' });
    const request: ChatCompletionRequest = {
      model: 'gemini-2.5-flash',
      messages: [{ role: 'user', content: 'tell me a story' }],
      n: 2,
      thinking: { type: 'enabled' },
    };
    const completion = await adapter.complete!(request, testAdapterContext());
    const chunks: ChatCompletionChunk[] = [];
    for await (const chunk of adapter.stream!({ ...request, stream: true }, testAdapterContext()))
      chunks.push(chunk);
    const streamed = await accumulateChunks(chunks);
    expect(streamed.choices).toStrictEqual(completion.choices);
    expect(streamed.usage).toStrictEqual(completion.usage);
    expect(
      completion.choices.map((choice) => [
        choice.index,
        choice.message.content,
        choice.message.reasoning_content,
      ]),
    ).toStrictEqual([
      [0, 'Echo: tell me a story', 'Thinking about: tell me a story'],
      [1, 'Echo: tell me a story', 'Thinking about: tell me a story'],
    ]);
    expect(completion.usage).toStrictEqual({
      prompt_tokens: 4,
      completion_tokens: 2 * 5 + 2 * 6,
      total_tokens: 26,
      completion_tokens_details: { reasoning_tokens: 2 * 6 },
    });
  });
});

describe('logprobs (fake Gemini upstream)', () => {
  it('maps logprobsResult to OpenAI logprobs, the same whole and streamed', async () => {
    const adapter = createGeminiAdapter({ baseURL: upstream.baseURL, apiKey: 'fake-key' });
    const request: ChatCompletionRequest = {
      model: 'gemini-2.5-flash',
      messages: [{ role: 'user', content: 'hé' }],
      logprobs: true,
      top_logprobs: 2,
    };
    const completion = await adapter.complete!(request, testAdapterContext());
    const alternatives = [
      { token: 'alt0', logprob: -1, bytes: [97, 108, 116, 48] },
      { token: 'alt1', logprob: -2, bytes: [97, 108, 116, 49] },
    ];
    expect(completion.choices[0]?.message.content).toBe('Echo: hé');
    expect(completion.choices[0]?.logprobs).toStrictEqual({
      content: [
        { token: 'Echo:', logprob: -0.5, bytes: [69, 99, 104, 111, 58], top_logprobs: alternatives },
        { token: ' hé', logprob: -0.5, bytes: [32, 104, 195, 169], top_logprobs: alternatives },
      ],
      refusal: null,
    });
    const chunks: ChatCompletionChunk[] = [];
    for await (const chunk of adapter.stream!({ ...request, stream: true }, testAdapterContext()))
      chunks.push(chunk);
    expect((await accumulateChunks(chunks)).choices).toStrictEqual(completion.choices);
  });
});
