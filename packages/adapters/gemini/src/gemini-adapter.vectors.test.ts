import { type TestUpstream, testAdapterContext } from '@switchyard/adapter-kit/testing';
import {
  accumulateChunks,
  type ChatCompletion,
  type ChatCompletionChunk,
  type ChatCompletionRequest,
  type ChunkDelta,
  type Usage,
} from '@switchyard/protocol';
import { afterEach, describe, expect, it } from 'vitest';
import {
  chunksAsSSE,
  fixture,
  fixturePayloads,
  SSE_HEADERS,
  startLocalUpstream,
} from '../test/support/local-upstream.js';
import { createGeminiAdapter } from './gemini-adapter.js';

// Every recorded Gemini response in __fixtures__ is served by a real local HTTP server; the
// adapter's chunks and completions are compared field by field with values read from the vector.

let upstream: TestUpstream | undefined;
afterEach(async () => {
  await upstream?.close();
  upstream = undefined;
});

const request: ChatCompletionRequest = { model: 'gemini-test', messages: [{ role: 'user', content: 'Hi' }] };

async function serve(body: string | Buffer, headers: Record<string, string> = SSE_HEADERS) {
  upstream = await startLocalUpstream(() => ({ headers, body }));
  return createGeminiAdapter({ baseURL: upstream.baseURL, apiKey: 'test-key', generateId: () => 'gen' });
}

async function streamOf(body: string | Buffer): Promise<ChatCompletionChunk[]> {
  const adapter = await serve(body);
  const chunks: ChatCompletionChunk[] = [];
  for await (const chunk of adapter.stream!({ ...request, stream: true }, testAdapterContext()))
    chunks.push(chunk);
  return chunks;
}

async function completionOf(body: Buffer): Promise<ChatCompletion> {
  const adapter = await serve(body, { 'content-type': 'application/json' });
  return adapter.complete!(request, testAdapterContext());
}

/** Reads a value out of payload `n` of a vector by its path. */
function pick(name: string, n: number, path: (string | number)[]): unknown {
  let value: unknown = fixturePayloads(name)[n];
  for (const key of path) value = (value as Record<string | number, unknown>)[key];
  return value;
}

function expectCreatedNow(created: number, before: number) {
  expect(created).toBeGreaterThanOrEqual(Math.floor(before / 1000));
  expect(created).toBeLessThanOrEqual(Math.ceil(Date.now() / 1000));
}

type Step = [delta: ChunkDelta | Record<string, unknown>, finish?: string];

/** Builds the expected chunks of choice 0 plus the final usage chunk. */
function expected(
  head: { id: string; created: number; model: string },
  steps: Step[],
  usage?: Usage,
): ChatCompletionChunk[] {
  const base = { id: head.id, object: 'chat.completion.chunk', created: head.created, model: head.model };
  const chunks: ChatCompletionChunk[] = steps.map(([delta, finish]) => ({
    ...base,
    choices: [{ index: 0, delta: delta as ChunkDelta, logprobs: null, finish_reason: finish ?? null }],
  }));
  if (usage) chunks.push({ ...base, choices: [], usage });
  return chunks;
}

const ROLE: Step = [{ role: 'assistant', content: '' }];

describe('stream vectors (raw SSE bodies, served byte for byte)', () => {
  it('streaming-success-basic-reply-short.txt: text deltas, STOP, usage of the last event', async () => {
    const before = Date.now();
    const chunks = await streamOf(fixture('streaming-success-basic-reply-short.txt'));
    expectCreatedNow(chunks[0]!.created, before);
    const head = { id: 'chatcmpl-gen', created: chunks[0]!.created, model: 'gemini-2.0-flash' };
    expect(chunks).toStrictEqual(
      expected(
        head,
        [
          ROLE,
          [{ content: 'The' }],
          [{ content: ' capital of Wyoming' }],
          [{ content: ' is **Cheyenne**.\n' }],
          [{}, 'stop'],
        ],
        { prompt_tokens: 7, completion_tokens: 10, total_tokens: 17 },
      ),
    );
    expect(await accumulateChunks(chunks)).toStrictEqual({
      id: 'chatcmpl-gen',
      object: 'chat.completion',
      created: head.created,
      model: 'gemini-2.0-flash',
      choices: [
        {
          index: 0,
          message: { role: 'assistant', content: 'The capital of Wyoming is **Cheyenne**.\n' },
          logprobs: null,
          finish_reason: 'stop',
        },
      ],
      usage: { prompt_tokens: 7, completion_tokens: 10, total_tokens: 17 },
    });
  });

  it('streaming-success-thinking-function-call-thought-summary-signature.txt: thoughts, a signed call, tool_calls', async () => {
    const name = 'streaming-success-thinking-function-call-thought-summary-signature.txt';
    const chunks = await streamOf(fixture(name));
    const thought1 = pick(name, 0, ['candidates', 0, 'content', 'parts', 0, 'text']) as string;
    const thought2 = pick(name, 1, ['candidates', 0, 'content', 'parts', 0, 'text']) as string;
    const signature = pick(name, 2, ['candidates', 0, 'content', 'parts', 0, 'thoughtSignature']) as string;
    expect(thought1.startsWith('**Calculating the Days**')).toBe(true);
    const head = {
      id: 'chatcmpl-48SHaPHpHKbG-8YPtZCawAk',
      created: chunks[0]!.created,
      model: 'gemini-2.5-flash',
    };
    const call = {
      id: 'call_48SHaPHpHKbG-8YPtZCawAk_0',
      type: 'function',
      function: { name: 'now', arguments: '{}' },
      extra_content: { google: { thought_signature: signature } },
    };
    const usage = {
      prompt_tokens: 38,
      completion_tokens: 6 + 168,
      total_tokens: 212,
      completion_tokens_details: { reasoning_tokens: 168 },
    };
    expect(chunks).toStrictEqual(
      expected(
        head,
        [
          ROLE,
          [{ reasoning_content: thought1 }],
          [{ reasoning_content: thought2 }],
          [{ tool_calls: [{ index: 0, ...call }] }],
          [{}, 'tool_calls'],
        ],
        usage,
      ),
    );
    const completion = await accumulateChunks(chunks);
    expect(completion.choices).toStrictEqual([
      {
        index: 0,
        message: {
          role: 'assistant',
          content: null,
          reasoning_content: thought1 + thought2,
          tool_calls: [call],
        },
        logprobs: null,
        finish_reason: 'tool_calls',
      },
    ]);
    expect(completion.usage).toStrictEqual(usage);
  });

  it('streaming-success-empty-parts.txt: a candidate without parts and an inlineData part add nothing', async () => {
    const chunks = await streamOf(fixture('streaming-success-empty-parts.txt'));
    const head = {
      id: 'chatcmpl-kLewaKa5ONqI-8YP-c_NuAQ',
      created: chunks[0]!.created,
      model: 'gemini-2.5-flash-image-preview',
    };
    const texts = ["Here's a", ' cute cartoon kitten playing', ' with a ball of', ' yarn for', ' you! '];
    expect(chunks).toStrictEqual(
      expected(head, [ROLE, ...texts.map((content): Step => [{ content }]), [{}, 'stop']], {
        prompt_tokens: 16,
        completion_tokens: 1307,
        total_tokens: 1323,
      }),
    );
    const completion = await accumulateChunks(chunks);
    expect(completion.choices[0]?.message).toStrictEqual({ role: 'assistant', content: texts.join('') });
    expect(completion.choices[0]?.finish_reason).toBe('stop');
  });

  it('streaming-failure-finish-reason-safety.txt: SAFETY becomes content_filter', async () => {
    const chunks = await streamOf(fixture('streaming-failure-finish-reason-safety.txt'));
    const head = { id: 'chatcmpl-gen', created: chunks[0]!.created, model: 'gemini-1.5-flash' };
    expect(chunks).toStrictEqual(
      expected(head, [ROLE, [{ content: '<redacted>' }], [{}, 'content_filter']], {
        prompt_tokens: 10,
        completion_tokens: 66,
        total_tokens: 76,
      }),
    );
    const completion = await accumulateChunks(chunks);
    expect(completion.choices[0]?.message).toStrictEqual({ role: 'assistant', content: '<redacted>' });
    expect(completion.choices[0]?.finish_reason).toBe('content_filter');
  });
});

describe('stream vectors (vercel/ai chunks, framed as data: <line>\\r\\n\\r\\n)', () => {
  it('google-text.chunks.txt: text, then the signature of the empty last part, usage with thoughts', async () => {
    const name = 'google-text.chunks.txt';
    const chunks = await streamOf(chunksAsSSE(name));
    const signature = pick(name, 2, ['candidates', 0, 'content', 'parts', 0, 'thoughtSignature']) as string;
    const head = {
      id: 'chatcmpl-bH6LaZW8Fp_3nsEPqtaSwQ4',
      created: chunks[0]!.created,
      model: 'gemini-3-pro-preview',
    };
    const usage = {
      prompt_tokens: 9,
      completion_tokens: 23 + 185,
      total_tokens: 217,
      completion_tokens_details: { reasoning_tokens: 185 },
    };
    expect(chunks).toStrictEqual(
      expected(
        head,
        [
          ROLE,
          [{ content: 'There are **3**' }],
          [{ content: ' "r"s in strawberry.\n\nst**r**awbe**rr**y' }],
          [{ extra_content: { google: { thought_signature: signature } } }],
          [{}, 'stop'],
        ],
        usage,
      ),
    );
    const completion = await accumulateChunks(chunks);
    expect(completion.choices[0]?.message).toStrictEqual({
      role: 'assistant',
      content: 'There are **3** "r"s in strawberry.\n\nst**r**awbe**rr**y',
      extra_content: { google: { thought_signature: signature } },
    });
    expect(completion.usage).toStrictEqual(usage);
  });

  it('google-stream-tool-call-arguments.chunks.txt: two calls reassembled from partialArgs', async () => {
    const name = 'google-stream-tool-call-arguments.chunks.txt';
    const chunks = await streamOf(chunksAsSSE(name));
    const signature = pick(name, 0, ['candidates', 0, 'content', 'parts', 0, 'thoughtSignature']) as string;
    const head = {
      id: 'chatcmpl-dqHOab6xGLzWodAPkPuViA4',
      created: Math.floor(Date.parse('2026-04-02T17:03:50.399550Z') / 1000),
      model: 'gemini-3.1-pro-preview',
    };
    const boston = {
      id: 'call_dqHOab6xGLzWodAPkPuViA4_0',
      type: 'function',
      function: { name: 'getWeather', arguments: '{"location":"Boston"}' },
    };
    const sanFrancisco = {
      id: 'call_dqHOab6xGLzWodAPkPuViA4_1',
      type: 'function',
      function: { name: 'getWeather', arguments: '{"location":"San Francisco"}' },
    };
    const usage = {
      prompt_tokens: 26,
      completion_tokens: 23 + 132,
      total_tokens: 181,
      completion_tokens_details: { reasoning_tokens: 132 },
    };
    expect(chunks).toStrictEqual(
      expected(
        head,
        [
          ROLE,
          [
            {
              tool_calls: [
                { index: 0, ...boston, extra_content: { google: { thought_signature: signature } } },
              ],
            },
          ],
          [{ tool_calls: [{ index: 1, ...sanFrancisco }] }],
          [{}, 'tool_calls'],
        ],
        usage,
      ),
    );
    const completion = await accumulateChunks(chunks);
    expect(completion.choices[0]?.message).toStrictEqual({
      role: 'assistant',
      content: null,
      tool_calls: [{ ...boston, extra_content: { google: { thought_signature: signature } } }, sanFrancisco],
    });
    expect(JSON.parse(completion.choices[0]!.message.tool_calls![1]!.function.arguments)).toStrictEqual({
      location: 'San Francisco',
    });
    expect(completion.choices[0]?.finish_reason).toBe('tool_calls');
  });

  it('google-stream-no-args-tool-call.chunks.txt: thought, a no-args call, three streamed parallel calls', async () => {
    const name = 'google-stream-no-args-tool-call.chunks.txt';
    const chunks = await streamOf(chunksAsSSE(name));
    const thought = pick(name, 0, ['candidates', 0, 'content', 'parts', 0, 'text']) as string;
    const signature = pick(name, 1, ['candidates', 0, 'content', 'parts', 0, 'thoughtSignature']) as string;
    const head = {
      id: 'chatcmpl-_vr4aYiWEJnYodAPkujX0QM',
      created: Math.floor(Date.parse('2026-05-04T20:01:02.264968Z') / 1000),
      model: 'gemini-3-flash-preview',
    };
    const calls = [
      { name: 'read_theme', arguments: '{}' },
      { name: 'read_screen', arguments: '{"id":"A"}' },
      { name: 'read_screen', arguments: '{"id":"B"}' },
      { name: 'read_screen', arguments: '{"id":"C"}' },
    ].map((fn, i) => ({ id: `call__vr4aYiWEJnYodAPkujX0QM_${i}`, type: 'function', function: fn }));
    const usage = {
      prompt_tokens: 249,
      completion_tokens: 58 + 183,
      total_tokens: 490,
      completion_tokens_details: { reasoning_tokens: 183 },
    };
    expect(chunks).toStrictEqual(
      expected(
        head,
        [
          ROLE,
          [{ reasoning_content: thought }],
          [
            {
              tool_calls: [
                { index: 0, ...calls[0], extra_content: { google: { thought_signature: signature } } },
              ],
            },
          ],
          [{ tool_calls: [{ index: 1, ...calls[1] }] }],
          [{ tool_calls: [{ index: 2, ...calls[2] }] }],
          [{ tool_calls: [{ index: 3, ...calls[3] }] }],
          [{}, 'tool_calls'],
        ],
        usage,
      ),
    );
    const completion = await accumulateChunks(chunks);
    expect(completion.choices[0]?.message).toStrictEqual({
      role: 'assistant',
      content: null,
      reasoning_content: thought,
      tool_calls: [
        { ...calls[0], extra_content: { google: { thought_signature: signature } } },
        ...calls.slice(1),
      ],
    });
    expect(completion.usage).toStrictEqual(usage);
  });
});

describe('non-stream vectors (JSON bodies, served byte for byte)', () => {
  it('google-text.json: text with its thought signature on the message', async () => {
    const name = 'google-text.json';
    const before = Date.now();
    const completion = await completionOf(fixture(name));
    expectCreatedNow(completion.created, before);
    expect(completion).toStrictEqual({
      id: 'chatcmpl-Un6LacrVMcjUxs0PmJfWoQc',
      object: 'chat.completion',
      created: completion.created,
      model: 'gemini-3-pro-preview',
      choices: [
        {
          index: 0,
          message: {
            role: 'assistant',
            content: "There are **3** r's in strawberry.\n\nHere is the breakdown: st**r**awbe**rr**y.",
            extra_content: {
              google: {
                thought_signature: pick(name, 0, [
                  'candidates',
                  0,
                  'content',
                  'parts',
                  0,
                  'thoughtSignature',
                ]),
              },
            },
          },
          logprobs: null,
          finish_reason: 'stop',
        },
      ],
      usage: {
        prompt_tokens: 9,
        completion_tokens: 28 + 244,
        total_tokens: 281,
        completion_tokens_details: { reasoning_tokens: 244 },
      },
    });
  });

  it('google-tool-call.json: one signed call, STOP becomes tool_calls', async () => {
    const name = 'google-tool-call.json';
    const completion = await completionOf(fixture(name));
    expect(completion.id).toBe('chatcmpl-m36LaZGyCLz1xs0PtNSB-QU');
    expect(completion.model).toBe('gemini-3-pro-preview');
    expect(completion.choices).toStrictEqual([
      {
        index: 0,
        message: {
          role: 'assistant',
          content: null,
          tool_calls: [
            {
              id: 'call_m36LaZGyCLz1xs0PtNSB-QU_0',
              type: 'function',
              function: { name: 'weather', arguments: '{"location":"San Francisco"}' },
              extra_content: {
                google: {
                  thought_signature: pick(name, 0, [
                    'candidates',
                    0,
                    'content',
                    'parts',
                    0,
                    'thoughtSignature',
                  ]),
                },
              },
            },
          ],
        },
        logprobs: null,
        finish_reason: 'tool_calls',
      },
    ]);
    expect(completion.usage).toStrictEqual({
      prompt_tokens: 29,
      completion_tokens: 15 + 893,
      total_tokens: 937,
      completion_tokens_details: { reasoning_tokens: 893 },
    });
  });

  it('unary-success-function-call-parallel-calls.json: three parallel calls, no usage, no responseId', async () => {
    const completion = await completionOf(fixture('unary-success-function-call-parallel-calls.json'));
    expect(completion.id).toBe('chatcmpl-gen');
    expect(completion.model).toBe('gemini-test');
    expect(completion.usage).toBeUndefined();
    const calls = completion.choices[0]!.message.tool_calls!;
    expect(calls).toStrictEqual([
      { id: 'call_gen_0', type: 'function', function: { name: 'sum', arguments: '{"y":1,"x":2}' } },
      { id: 'call_gen_1', type: 'function', function: { name: 'sum', arguments: '{"y":3,"x":4}' } },
      { id: 'call_gen_2', type: 'function', function: { name: 'sum', arguments: '{"y":5,"x":6}' } },
    ]);
    expect(calls.map((call) => JSON.parse(call.function.arguments))).toStrictEqual([
      { y: 1, x: 2 },
      { y: 3, x: 4 },
      { y: 5, x: 6 },
    ]);
    expect(completion.choices[0]?.message.content).toBeNull();
    expect(completion.choices[0]?.finish_reason).toBe('tool_calls');
  });

  it('unary-success-thinking-reply-thought-summary.json: the thought part becomes reasoning_content', async () => {
    const name = 'unary-success-thinking-reply-thought-summary.json';
    const completion = await completionOf(fixture(name));
    expect(completion.id).toBe('chatcmpl-2pmHaJqQEoqC-8YP6eStyAY');
    expect(completion.model).toBe('gemini-2.5-flash');
    expect(completion.choices).toStrictEqual([
      {
        index: 0,
        message: {
          role: 'assistant',
          content: 'Mountain View',
          reasoning_content: pick(name, 0, ['candidates', 0, 'content', 'parts', 0, 'text']),
        },
        logprobs: null,
        finish_reason: 'stop',
      },
    ]);
    expect(completion.usage).toStrictEqual({
      prompt_tokens: 14,
      completion_tokens: 2 + 24,
      total_tokens: 40,
      completion_tokens_details: { reasoning_tokens: 24 },
    });
  });
});
