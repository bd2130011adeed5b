import { takeReady } from '@switchyard/adapter-kit';
import {
  collect,
  type Responder,
  serveBody,
  type TestUpstream,
  testAdapterContext,
  testChatRequest,
} from '@switchyard/adapter-kit/testing';
import {
  accumulateChunks,
  type ChatCompletion,
  type ChatCompletionChunk,
  encodeChunk,
  ProtocolError,
} from '@switchyard/protocol';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  cassette,
  chunkLines,
  fixture,
  SSE,
  sseFromChunkLines,
  startLocalUpstream,
} from '../test/support/local-upstream.js';
import { createOpenAICompatibleAdapter } from './openai-compatible-adapter.js';
import { repairStream } from './repair-stream.js';

let upstream: TestUpstream;
beforeAll(async () => {
  upstream = await startLocalUpstream();
});
afterAll(() => upstream.close());

async function streamFrom(
  responder: Responder,
): Promise<{ chunks: ChatCompletionChunk[]; completion: ChatCompletion }> {
  upstream.respond(responder);
  const adapter = createOpenAICompatibleAdapter({ name: 'test', baseURL: upstream.baseURL });
  const chunks = await collect(adapter.stream!(testChatRequest({ stream: true }), testAdapterContext()));
  return { chunks, completion: await accumulateChunks(chunks) };
}

/** What a well-behaved upstream chunk becomes: unchanged but for the `usage: null` placeholder. */
function withoutNullUsage(chunk: Record<string, unknown>): Record<string, unknown> {
  const { usage, ...rest } = chunk;
  return usage === null ? rest : chunk;
}

function choice(completion: ChatCompletion) {
  expect(completion.choices).toHaveLength(1);
  return completion.choices[0]!;
}

function parsedToolCalls(completion: ChatCompletion) {
  return (choice(completion).message.tool_calls ?? []).map((call) => ({
    id: call.id,
    type: call.type,
    name: call.function.name,
    arguments: JSON.parse(call.function.arguments) as unknown,
  }));
}

/** Recorded provider streams, as chunk lines (each vector test runs over every one). */
const CHUNK_VECTORS = [
  'openai-text.chunks.txt',
  'deepseek-reasoning.chunks.txt',
  'deepseek-tool-call.chunks.txt',
  'groq-tool-call.chunks.txt',
  'issue-13703-mistral-thinking.chunks.txt',
  'issue-15789-step-1.chunks.txt',
  'mistral-incremental-tool-call.chunks.txt',
];

describe('OpenAI streams pass through unchanged', () => {
  it('openai-text.chunks.txt: 303 chunks, text, finish stop, usage chunk last', async () => {
    const upstreamChunks = chunkLines('openai-text.chunks.txt');
    const { chunks, completion } = await streamFrom(
      serveBody(sseFromChunkLines('openai-text.chunks.txt'), SSE),
    );
    expect(chunks).toHaveLength(303);
    expect(chunks).toStrictEqual(upstreamChunks.map(withoutNullUsage));
    const content = choice(completion).message.content!;
    expect(content).toHaveLength(1724);
    expect(content.startsWith('**Holiday Name:** Harmony Day\n\n**Date:** Celebrated annually')).toBe(true);
    expect(
      content.endsWith('we are all connected through shared human experiences and mutual respect.'),
    ).toBe(true);
    expect(choice(completion).finish_reason).toBe('stop');
    expect(completion.id).toBe('chatcmpl-D8Z5oo6uDh67AD85p73ksdT1KxhE0');
    expect(completion.model).toBe('gpt-4.1-nano-2025-04-14');
    expect(completion.usage).toStrictEqual({
      prompt_tokens: 16,
      completion_tokens: 300,
      total_tokens: 316,
      prompt_tokens_details: { cached_tokens: 0, audio_tokens: 0 },
      completion_tokens_details: {
        reasoning_tokens: 0,
        audio_tokens: 0,
        accepted_prediction_tokens: 0,
        rejected_prediction_tokens: 0,
      },
    });
  });

  it('issue-15789-step-1.chunks.txt: text then a tool call, identical chunks', async () => {
    const { chunks, completion } = await streamFrom(
      serveBody(sseFromChunkLines('issue-15789-step-1.chunks.txt'), SSE),
    );
    expect(chunks).toStrictEqual(chunkLines('issue-15789-step-1.chunks.txt'));
    expect(choice(completion).message.content).toBe('PRE_TOOL');
    expect(parsedToolCalls(completion)).toStrictEqual([
      { id: 'call_NZa7xqfefoaMI2YYHowVXVlU', type: 'function', name: 'weather', arguments: {} },
    ]);
    expect(choice(completion).finish_reason).toBe('tool_calls');
    expect(completion.usage?.prompt_tokens).toBe(58);
    expect(completion.usage?.completion_tokens).toBe(12);
    expect(completion.usage?.total_tokens).toBe(70);
  });

  it('f82268….bin: two parallel tool calls with arguments split mid-token', async () => {
    const { chunks, completion } = await streamFrom(
      serveBody(fixture('f82268f2fefd5cfbc7eeb59c297688be2f6ca0849a6e4f17851b517310841d9b.bin'), SSE),
    );
    expect(chunks).toHaveLength(25);
    expect(chunks[1]!.choices[0]!.delta.tool_calls).toStrictEqual([
      {
        index: 0,
        id: 'call_JMW1whyEaYG438VE1OIflxA2',
        type: 'function',
        function: { name: 'GetWeatherArgs', arguments: '' },
      },
    ]);
    expect(choice(completion).message.content).toBeNull();
    expect(parsedToolCalls(completion)).toStrictEqual([
      {
        id: 'call_JMW1whyEaYG438VE1OIflxA2',
        type: 'function',
        name: 'GetWeatherArgs',
        arguments: { city: 'Edinburgh', country: 'GB', units: 'c' },
      },
      {
        id: 'call_DNYTawLBoN8fj3KN6qU9N1Ou',
        type: 'function',
        name: 'get_stock_price',
        arguments: { ticker: 'AAPL', exchange: 'NASDAQ' },
      },
    ]);
    expect(choice(completion).finish_reason).toBe('tool_calls');
    expect(completion.usage).toStrictEqual({
      prompt_tokens: 149,
      completion_tokens: 60,
      total_tokens: 209,
      completion_tokens_details: { reasoning_tokens: 0 },
    });
  });

  it('7e5ea4….bin: json_schema answer streamed as content', async () => {
    const { chunks, completion } = await streamFrom(
      serveBody(fixture('7e5ea4d12e7cc064399b6631415e65923f182256b6e6b752950a3aaa2ad2320a.bin'), SSE),
    );
    expect(chunks).toHaveLength(17);
    expect(JSON.parse(choice(completion).message.content!)).toStrictEqual({
      city: 'San Francisco',
      temperature: 61,
      units: 'f',
    });
    expect(choice(completion).finish_reason).toBe('stop');
    expect(completion.usage?.completion_tokens).toBe(14);
  });

  it('173417….bin: a refusal instead of content', async () => {
    const { completion } = await streamFrom(
      serveBody(fixture('173417d553406f034f643e5db3f8d591fb691ebac56f5ae39a22cc7d455c5353.bin'), SSE),
    );
    expect(choice(completion).message.content).toBeNull();
    expect(choice(completion).message.refusal).toBe("I'm sorry, I can't assist with that request.");
    expect(choice(completion).finish_reason).toBe('stop');
    expect(completion.usage).toStrictEqual({
      prompt_tokens: 79,
      completion_tokens: 11,
      total_tokens: 90,
      completion_tokens_details: { reasoning_tokens: 0 },
    });
  });

  it('4cc50a….bin: cut by max_tokens, finish length', async () => {
    const { chunks, completion } = await streamFrom(
      serveBody(fixture('4cc50a6135d254573a502310e6af1246f55edb6ad95fa24059f160996b68866d.bin'), SSE),
    );
    expect(
      chunks.map((chunk) => (chunk.choices.length === 0 ? 'usage' : chunk.choices[0]!.finish_reason)),
    ).toStrictEqual([null, null, 'length', 'usage']);
    expect(choice(completion).message.content).toBe('{"');
    expect(choice(completion).finish_reason).toBe('length');
    expect(completion.usage?.total_tokens).toBe(80);
  });

  it('83b060….bin: logprobs ride along on every chunk', async () => {
    const { chunks, completion } = await streamFrom(
      serveBody(fixture('83b060bae42eb41c4f1edbb7c1542b954b37d9dfd1910b964ddebc9677e6ae85.bin'), SSE),
    );
    expect(chunks[1]!.choices[0]!.logprobs).toStrictEqual({
      content: [{ token: 'Foo', logprob: -0.0025094282, bytes: [70, 111, 111], top_logprobs: [] }],
      refusal: null,
    });
    expect(choice(completion).message.content).toBe('Foo!');
    expect(choice(completion).logprobs?.content?.map((entry) => entry.token)).toStrictEqual(['Foo', '!']);
    expect(completion.usage?.total_tokens).toBe(11);
  });
});

describe('chunks that need no repair are relayed as received', () => {
  const lines = (name: string) =>
    fixture(name)
      .toString('utf8')
      .split('\n')
      .filter((line) => line.trim() !== '');

  it('openai-text.chunks.txt: every content chunk leaves as the upstream JSON minus "usage":null', async () => {
    const upstreamLines = lines('openai-text.chunks.txt');
    const { chunks } = await streamFrom(serveBody(sseFromChunkLines('openai-text.chunks.txt'), SSE));
    const sent = new Set(chunks.map((chunk) => encodeChunk(chunk)));
    const content = upstreamLines.filter((line) => line.includes('"finish_reason":null'));
    expect(content.length).toBeGreaterThan(290);
    for (const line of content) {
      expect(line).toContain(',"usage":null');
      expect(sent.has(`data: ${line.replace(',"usage":null', '')}\n\n`)).toBe(true);
    }
  });

  it.each(CHUNK_VECTORS)('%s: what is sent says exactly what the gateway accounts', async (name) => {
    const { chunks } = await streamFrom(serveBody(sseFromChunkLines(name), SSE));
    expect(chunks.length).toBeGreaterThan(0);
    for (const chunk of chunks) {
      const text = encodeChunk(chunk);
      expect(text.endsWith('\n\n')).toBe(true);
      expect(JSON.parse(text.slice('data: '.length))).toStrictEqual(JSON.parse(JSON.stringify(chunk)));
    }
  });

  it('repairs instead of relaying: a repeated role, a missing role, usage not written as "usage":null once', async () => {
    const base = { id: 'c1', object: 'chat.completion.chunk', created: 1, model: 'm' };
    const event = (json: string) => `data: ${json}\n\n`;
    const first = JSON.stringify({
      ...base,
      choices: [{ index: 0, delta: { content: 'a' }, finish_reason: null }],
    });
    const repeated = JSON.stringify({
      ...base,
      choices: [{ index: 0, delta: { role: 'assistant', content: 'b' }, finish_reason: null }],
    });
    const spaced = `${JSON.stringify({
      ...base,
      choices: [{ index: 0, delta: { content: 'usage' }, finish_reason: null }],
    }).slice(0, -1)}, "usage": null}`;
    const last = JSON.stringify({ ...base, choices: [{ index: 0, delta: {}, finish_reason: 'stop' }] });
    const { chunks } = await streamFrom(
      serveBody(`${[first, repeated, spaced, last].map(event).join('')}data: [DONE]\n\n`, SSE),
    );
    expect(chunks.map((chunk) => chunk.choices[0]?.delta)).toStrictEqual([
      { role: 'assistant', content: 'a' },
      { content: 'b' },
      { content: 'usage' },
      {},
    ]);
    expect(chunks.every((chunk) => !('usage' in chunk))).toBe(true);
    const sent = chunks.map((chunk) => encodeChunk(chunk));
    expect(sent).not.toContain(event(first));
    expect(sent).not.toContain(event(repeated));
    expect(sent).not.toContain(event(spaced));
  });
});

describe('repaired upstream quirks', () => {
  it('deepseek-reasoning.chunks.txt: reasoning kept, usage split off the finish chunk', async () => {
    const upstreamChunks = chunkLines('deepseek-reasoning.chunks.txt');
    const { chunks, completion } = await streamFrom(
      serveBody(sseFromChunkLines('deepseek-reasoning.chunks.txt'), SSE),
    );
    expect(upstreamChunks).toHaveLength(220);
    expect(chunks).toHaveLength(221);
    expect(chunks.slice(0, 219)).toStrictEqual(upstreamChunks.slice(0, 219).map(withoutNullUsage));
    const top = {
      id: 'cac7192e-e619-40c6-96b0-ed4276bc03ac',
      object: 'chat.completion.chunk',
      created: 1764661832,
      model: 'deepseek-reasoner',
      system_fingerprint: 'fp_eaab8d114b_prod0820_fp8_kvcache',
    };
    const usage = {
      prompt_tokens: 18,
      completion_tokens: 219,
      total_tokens: 237,
      prompt_tokens_details: { cached_tokens: 0 },
      completion_tokens_details: { reasoning_tokens: 205 },
      prompt_cache_hit_tokens: 0,
      prompt_cache_miss_tokens: 18,
    };
    expect(chunks[219]).toStrictEqual({
      ...top,
      choices: [
        { index: 0, delta: { content: '', reasoning_content: null }, logprobs: null, finish_reason: 'stop' },
      ],
    });
    expect(chunks[220]).toStrictEqual({ ...top, choices: [], usage });
    expect(choice(completion).message.content).toBe('The word "strawberry" contains three "r"s.');
    expect(choice(completion).message.reasoning_content).toBe(
      'We need to count the number of the letter "r" in the word "strawberry". The word is spelled: ' +
        's-t-r-a-w-b-e-r-r-y. Let\'s list the letters and count the "r"s:\n\nPosition 1: s\n2: t\n3: r ' +
        '(first r)\n4: a\n5: w\n6: b\n7: e\n8: r (second r)\n9: r (third r)\n10: y\n\nSo there are three ' +
        '"r"s. But wait, let\'s double-check: "strawberry" indeed has three "r"s: one after "t", and then ' +
        'two consecutive "r"s before "y". So the answer is 3.\n\nThe question is straightforward. However, ' +
        'sometimes people might miscount. Let\'s ensure: The word has 10 letters. The "r"s are at positions ' +
        '3, 8, and 9. So yes, 3.\n\nThus, the answer is 3.',
    );
    expect(choice(completion).finish_reason).toBe('stop');
    expect(completion.usage).toStrictEqual(usage);
  });

  it('deepseek-tool-call.chunks.txt: reasoning, a tool call, usage split off', async () => {
    const { chunks, completion } = await streamFrom(
      serveBody(sseFromChunkLines('deepseek-tool-call.chunks.txt'), SSE),
    );
    expect(chunks).toHaveLength(53);
    expect(chunks.at(-2)!.choices[0]!.finish_reason).toBe('tool_calls');
    expect(chunks.at(-2)).not.toHaveProperty('usage');
    expect(chunks.at(-1)!.choices).toStrictEqual([]);
    expect(choice(completion).message.reasoning_content).toBe(
      'The user is asking for the weather in San Francisco. I need to use the weather tool to get this ' +
        'information. Let me invoke the weather tool with the location parameter set to "San Francisco".',
    );
    expect(choice(completion).message.content).toBeNull();
    expect(parsedToolCalls(completion)).toStrictEqual([
      {
        id: 'call_00_ioIn7yN9p1ZOMNpDLwd4MgAF',
        type: 'function',
        name: 'weather',
        arguments: { location: 'San Francisco' },
      },
    ]);
    expect(completion.usage).toStrictEqual({
      prompt_tokens: 339,
      completion_tokens: 83,
      total_tokens: 422,
      prompt_tokens_details: { cached_tokens: 320 },
      completion_tokens_details: { reasoning_tokens: 39 },
      prompt_cache_hit_tokens: 320,
      prompt_cache_miss_tokens: 19,
    });
  });

  it('groq-tool-call.chunks.txt: whole tool call in one delta, usage on the finish chunk split off', async () => {
    const { chunks, completion } = await streamFrom(
      serveBody(sseFromChunkLines('groq-tool-call.chunks.txt'), SSE),
    );
    const top = {
      id: 'chatcmpl-b610d559-f156-4aca-8827-24b4fe6af54f',
      object: 'chat.completion.chunk',
      created: 1770770843,
      model: 'llama-3.3-70b-versatile',
      system_fingerprint: 'fp_f8b414701e',
    };
    const usage = {
      queue_time: 0.041520249,
      prompt_tokens: 210,
      prompt_time: 0.010407901,
      completion_tokens: 15,
      completion_time: 0.046601227,
      total_tokens: 225,
      total_time: 0.057009128,
    };
    const xGroqFinish = { id: 'req_01kh52nj5yfcat8hrmvrk2j2hj', usage };
    expect(chunks).toStrictEqual([
      {
        ...top,
        choices: [
          { index: 0, delta: { role: 'assistant', content: null }, logprobs: null, finish_reason: null },
        ],
        x_groq: { id: 'req_01kh52nj5yfcat8hrmvrk2j2hj', seed: 689520654 },
      },
      {
        ...top,
        choices: [
          {
            index: 0,
            delta: {
              tool_calls: [
                {
                  index: 0,
                  id: 'tk85n1k4m',
                  type: 'function',
                  function: { name: 'weather', arguments: '{}' },
                },
              ],
            },
            logprobs: null,
            finish_reason: null,
          },
        ],
      },
      {
        ...top,
        choices: [{ index: 0, delta: {}, logprobs: null, finish_reason: 'tool_calls' }],
        x_groq: xGroqFinish,
      },
      { ...top, choices: [], x_groq: xGroqFinish, usage },
    ]);
    expect(parsedToolCalls(completion)).toStrictEqual([
      { id: 'tk85n1k4m', type: 'function', name: 'weather', arguments: {} },
    ]);
    expect(choice(completion).finish_reason).toBe('tool_calls');
    expect(completion.usage).toStrictEqual(usage);
  });

  it('mistral-incremental-tool-call.chunks.txt: role added, blank repeated identity dropped', async () => {
    const { chunks, completion } = await streamFrom(
      serveBody(sseFromChunkLines('mistral-incremental-tool-call.chunks.txt'), SSE),
    );
    const top = {
      id: '735e434874a24f68a2390b3cab149242',
      object: 'chat.completion.chunk',
      created: 1787234678,
      model: 'zai-glm-5-2',
    };
    const usage = {
      prompt_tokens: 171,
      total_tokens: 185,
      completion_tokens: 14,
      prompt_tokens_details: { cached_tokens: 128 },
    };
    expect(chunks).toStrictEqual([
      {
        ...top,
        choices: [
          {
            index: 0,
            delta: {
              role: 'assistant',
              tool_calls: [
                {
                  index: 0,
                  id: 'chatcmpl-tool-9f149c74c42f265b',
                  type: 'function',
                  function: { name: 'webSearchTool', arguments: '' },
                },
              ],
              index: 0,
              content: '',
            },
            finish_reason: null,
            logprobs: null,
          },
        ],
      },
      {
        ...top,
        choices: [
          {
            index: 0,
            delta: {
              tool_calls: [{ index: 0, function: { arguments: '{"query": "current Berlin weather"}' } }],
              index: 0,
              content: '',
            },
            finish_reason: null,
            logprobs: null,
          },
        ],
      },
      {
        ...top,
        choices: [
          { index: 0, delta: { index: 0, content: '' }, finish_reason: 'tool_calls', logprobs: null },
        ],
      },
      { ...top, choices: [], usage },
    ]);
    expect(choice(completion).message.content).toBeNull();
    expect(parsedToolCalls(completion)).toStrictEqual([
      {
        id: 'chatcmpl-tool-9f149c74c42f265b',
        type: 'function',
        name: 'webSearchTool',
        arguments: { query: 'current Berlin weather' },
      },
    ]);
    expect(completion.usage).toStrictEqual(usage);
  });

  it('issue-13703-mistral-thinking.chunks.txt: thinking content parts become reasoning_content', async () => {
    const { chunks, completion } = await streamFrom(
      serveBody(sseFromChunkLines('issue-13703-mistral-thinking.chunks.txt'), SSE),
    );
    expect(chunks).toHaveLength(43);
    expect(chunks[2]!.choices[0]!.delta).toStrictEqual({ reasoning_content: 'Okay, the' });
    // The chunk that mixes a thinking part and a text part.
    expect(chunks[40]!.choices[0]!.delta).toStrictEqual({ content: '3', reasoning_content: '1.' });
    for (const chunk of chunks) {
      for (const { delta } of chunk.choices) expect(typeof (delta.content ?? '')).toBe('string');
    }
    expect(chunks[41]!.choices[0]).toStrictEqual({
      index: 0,
      delta: { content: '91' },
      finish_reason: 'stop',
    });
    expect(chunks[42]).toStrictEqual({
      id: 'ed56a5f5c9254b8981e89c2ecfdd6a8d',
      object: 'chat.completion.chunk',
      created: 1784737087,
      model: 'mistral-small-latest',
      choices: [],
      usage: {
        prompt_tokens: 28,
        total_tokens: 167,
        completion_tokens: 139,
        prompt_tokens_details: { cached_tokens: 0 },
      },
      p: 'abcdefghijklmnopqrstuvwxyz0123456',
    });
    expect(choice(completion).message.content).toBe('391');
    expect(choice(completion).message.reasoning_content).toBe(
      'Okay, the user is asking for the product of 17 and 23. I need to calculate this multiplication. ' +
        'Let me break it down:\n\nFirst, I recall that 17 multiplied by 20 is 340 (since 17 * 20 = 340).\n' +
        'Then, I need to add 17 multiplied by 3, which is 51 (since 17 * 3 = 51).\nNow, add these two ' +
        'results together: 340 + 51 = 391.\n\nSo, 17 * 23 = 391.',
    );
    expect(choice(completion).finish_reason).toBe('stop');
    expect(completion.usage?.completion_tokens).toBe(139);
  });

  it('anthropic-fallback-tool-call.sse: tool index starting at 1 renumbered to 0, empty fragments dropped', async () => {
    const { chunks, completion } = await streamFrom(
      serveBody(fixture('anthropic-fallback-tool-call.sse'), SSE),
    );
    const top = {
      id: 'msg_sanitized',
      object: 'chat.completion.chunk',
      created: 0,
      model: 'claude-haiku-4-5-20251001',
    };
    const toolDeltas = chunks.flatMap((chunk) => chunk.choices.flatMap((c) => c.delta.tool_calls ?? []));
    expect(toolDeltas).toStrictEqual([
      { index: 0, id: 'toolu_sanitized', type: 'function', function: { name: 'read_file', arguments: '' } },
      { index: 0, function: { arguments: '{"pa' } },
      { index: 0, function: { arguments: 'th": "a.txt"}' } },
    ]);
    expect(chunks).toHaveLength(7);
    expect(chunks.at(-1)).toStrictEqual({
      ...top,
      choices: [{ index: 0, delta: {}, finish_reason: 'tool_calls' }],
    });
    expect(choice(completion).message.content).toBe('Reading it.');
    expect(parsedToolCalls(completion)).toStrictEqual([
      { id: 'toolu_sanitized', type: 'function', name: 'read_file', arguments: { path: 'a.txt' } },
    ]);
    expect(completion.usage).toBeUndefined();
  });

  it('test_zai_thinking_stream.yaml: role sent once, reasoning then content, usage split off', async () => {
    const [interaction] = cassette('test_zai_thinking_stream.yaml');
    const body = interaction!.response.body!.string!;
    const upstreamChunks = body
      .split('\n')
      .filter((line) => line.startsWith('data: {'))
      .map((line) => JSON.parse(line.slice(6)) as { choices: { delta: Record<string, unknown> }[] });
    const { chunks, completion } = await streamFrom(serveBody(body, 'text/event-stream;charset=UTF-8'));
    expect(upstreamChunks).toHaveLength(93);
    expect(chunks).toHaveLength(94);
    expect(chunks.filter((chunk) => chunk.choices[0]?.delta.role !== undefined)).toHaveLength(1);
    expect(chunks[0]!.choices[0]).toStrictEqual({
      index: 0,
      delta: { role: 'assistant', reasoning_content: '\n1' },
      finish_reason: null,
    });
    expect(chunks[92]!.choices[0]).toStrictEqual({ index: 0, delta: { content: '' }, finish_reason: 'stop' });
    expect(chunks[93]).toStrictEqual({
      id: '202607010739425543ff9439144b2c',
      created: 1782862782,
      object: 'chat.completion.chunk',
      model: 'glm-4.7',
      choices: [],
      usage: {
        prompt_tokens: 13,
        completion_tokens: 564,
        total_tokens: 577,
        prompt_tokens_details: { cached_tokens: 0 },
        completion_tokens_details: { reasoning_tokens: 561 },
      },
    });
    const reasoning = choice(completion).message.reasoning_content!;
    expect(reasoning).toBe(
      upstreamChunks.map((chunk) => chunk.choices[0]!.delta.reasoning_content ?? '').join(''),
    );
    expect(reasoning.startsWith("\n1.  **Analyze the User's Request:**")).toBe(true);
    expect(reasoning.endsWith('7.  **Draft the final response:** "4".')).toBe(true);
    expect(choice(completion).message.content).toBe('4');
    expect(choice(completion).finish_reason).toBe('stop');
    expect(completion.usage?.completion_tokens_details?.reasoning_tokens).toBe(561);
  });
});

// Hand-built bodies (not recordings) for misbehaviour the vectors do not cover.
describe('synthetic upstream misbehaviour', () => {
  const top = { id: 'chatcmpl-s', object: 'chat.completion.chunk', created: 7, model: 'm' };
  type Choice = Record<string, unknown>;
  const chunk = (choices: Choice[], extra: Record<string, unknown> = {}) => ({ ...top, choices, ...extra });
  const delta = (d: Record<string, unknown>, finish: string | null = null, index = 0) => ({
    index,
    delta: d,
    finish_reason: finish,
  });
  const sse = (...events: (object | string)[]) =>
    events
      .map((event) => (typeof event === 'string' ? event : `data: ${JSON.stringify(event)}\n\n`))
      .join('');
  const DONE = 'data: [DONE]\n\n';

  async function failure(body: string) {
    upstream.respond(serveBody(body, SSE));
    const adapter = createOpenAICompatibleAdapter({ name: 'test', baseURL: upstream.baseURL });
    const seen: ChatCompletionChunk[] = [];
    const error = await (async () => {
      for await (const c of adapter.stream!(testChatRequest({ stream: true }), testAdapterContext()))
        seen.push(c);
    })().then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(ProtocolError.isInstance(error)).toBe(true);
    return { error: error as ProtocolError, seen };
  }

  it('comments and an empty-choices preamble are dropped', async () => {
    const { chunks } = await streamFrom(
      serveBody(
        sse(
          ': OPENROUTER PROCESSING\n\n',
          {
            id: '',
            object: '',
            created: 0,
            model: '',
            choices: [],
            prompt_filter_results: [{ prompt_index: 0 }],
          },
          chunk([delta({ role: 'assistant', content: 'Hi' })]),
          ': keep-alive\n\n',
          chunk([delta({}, 'stop')]),
          DONE,
        ),
        SSE,
      ),
    );
    expect(chunks).toStrictEqual([
      chunk([delta({ role: 'assistant', content: 'Hi' })]),
      chunk([delta({}, 'stop')]),
    ]);
  });

  it('`event: error` mid-stream is thrown with streamStarted true', async () => {
    const { error, seen } = await failure(
      sse(
        chunk([delta({ role: 'assistant', content: 'Hel' })]),
        'event: error\ndata: {"type":"error","error":{"type":"overloaded_error","message":"Overloaded"}}\n\n',
      ),
    );
    expect(seen).toHaveLength(1);
    expect(error.message).toBe('Overloaded');
    expect(error.type).toBe('overloaded_error');
    expect(error.streamStarted).toBe(true);
  });

  it('`data: {"error":…}` before any chunk is thrown with streamStarted false', async () => {
    const { error, seen } = await failure(
      sse({
        error: { message: 'The server had an error while processing your request.', type: 'server_error' },
      }),
    );
    expect(seen).toHaveLength(0);
    expect(error.status).toBe(500);
    expect(error.type).toBe('server_error');
    expect(error.isRetryable).toBe(true);
    expect(error.streamStarted).toBe(false);
  });

  it('a stream without [DONE] whose choices all finished is complete', async () => {
    const usage = { prompt_tokens: 3, completion_tokens: 1, total_tokens: 4 };
    const { chunks } = await streamFrom(
      serveBody(sse(chunk([delta({ role: 'assistant', content: 'ok' }, 'stop')], { usage })), SSE),
    );
    expect(chunks).toStrictEqual([
      chunk([delta({ role: 'assistant', content: 'ok' }, 'stop')]),
      chunk([], { usage }),
    ]);
  });

  it('a stream cut before finish_reason fails with stream_incomplete (with or without [DONE])', async () => {
    for (const body of [
      sse(chunk([delta({ role: 'assistant', content: 'cut' })])),
      sse(chunk([delta({ content: 'x' })]), DONE),
    ]) {
      const { error, seen } = await failure(body);
      expect(seen).toHaveLength(1);
      expect(error.code).toBe('stream_incomplete');
      expect(error.status).toBe(502);
      expect(error.streamStarted).toBe(true);
    }
    const empty = await failure(DONE);
    expect(empty.error.code).toBe('stream_incomplete');
    expect(empty.error.streamStarted).toBe(false);
  });

  it('finish_reason "sensitive" becomes content_filter; "network_error" is an upstream_error', async () => {
    const { chunks } = await streamFrom(
      serveBody(
        sse(chunk([delta({ role: 'assistant', content: 'a' })]), chunk([delta({}, 'sensitive')]), DONE),
        SSE,
      ),
    );
    expect(chunks[1]!.choices[0]!.finish_reason).toBe('content_filter');
    const { error } = await failure(
      sse(chunk([delta({ role: 'assistant', content: 'a' })]), chunk([delta({}, 'network_error')])),
    );
    expect(error.code).toBe('upstream_error');
    expect(error.isRetryable).toBe(true);
    expect(error.streamStarted).toBe(true);
  });

  it('tool-call identity repeated in every fragment is sent once (no "my_toolmy_tool")', async () => {
    const fragment = (args: string) => ({
      index: 0,
      id: 'call_rep',
      type: 'function',
      function: { name: 'my_tool', arguments: args },
    });
    const { chunks, completion } = await streamFrom(
      serveBody(
        sse(
          chunk([delta({ role: 'assistant', tool_calls: [fragment('')] })]),
          chunk([delta({ role: 'assistant', tool_calls: [fragment('{"q":')] })]),
          chunk([delta({ role: 'assistant', tool_calls: [fragment('"x"}')] })]),
          chunk([delta({}, 'tool_calls')]),
          DONE,
        ),
        SSE,
      ),
    );
    expect(chunks.map((c) => c.choices[0]!.delta)).toStrictEqual([
      {
        role: 'assistant',
        tool_calls: [
          { index: 0, id: 'call_rep', type: 'function', function: { name: 'my_tool', arguments: '' } },
        ],
      },
      { tool_calls: [{ index: 0, function: { arguments: '{"q":' } }] },
      { tool_calls: [{ index: 0, function: { arguments: '"x"}' } }] },
      {},
    ]);
    expect(parsedToolCalls(completion)).toStrictEqual([
      { id: 'call_rep', type: 'function', name: 'my_tool', arguments: { q: 'x' } },
    ]);
  });

  it('sparse and interleaved indexes are renumbered densely, per choice (n = 2)', async () => {
    const call = (index: number, id: string, name: string, args: string) => ({
      index,
      id,
      type: 'function',
      function: { name, arguments: args },
    });
    const more = (index: number, args: string) => ({ index, function: { arguments: args } });
    const { chunks, completion } = await streamFrom(
      serveBody(
        sse(
          chunk([delta({ role: 'assistant', tool_calls: [call(2, 'a', 'f', '{"n"')] }, null, 0)]),
          chunk([delta({ role: 'assistant', tool_calls: [call(0, 'c', 'h', '{}')] }, null, 1)]),
          chunk([delta({ tool_calls: [call(5, 'b', 'g', '')] }, null, 0)]),
          chunk([delta({ tool_calls: [more(2, ':1}')] }, null, 0)]),
          chunk([delta({ tool_calls: [more(5, '{"m":2}')] }, null, 0)]),
          chunk([delta({}, 'tool_calls', 0), delta({}, 'tool_calls', 1)]),
          DONE,
        ),
        SSE,
      ),
    );
    const indexes = chunks.flatMap((c) =>
      c.choices.flatMap((ch) => (ch.delta.tool_calls ?? []).map((t) => `${ch.index}:${t.index}`)),
    );
    expect(indexes).toStrictEqual(['0:0', '1:0', '0:1', '0:0', '0:1']);
    expect(completion.choices).toHaveLength(2);
    expect(
      completion.choices[0]!.message.tool_calls!.map((t) => [
        t.id,
        t.function.name,
        JSON.parse(t.function.arguments),
      ]),
    ).toStrictEqual([
      ['a', 'f', { n: 1 }],
      ['b', 'g', { m: 2 }],
    ]);
    expect(
      completion.choices[1]!.message.tool_calls!.map((t) => [t.id, t.function.name, t.function.arguments]),
    ).toStrictEqual([['c', 'h', '{}']]);
  });

  it('fragments without index (Gemini) are matched by id, then by the last call', async () => {
    const { completion } = await streamFrom(
      serveBody(
        sse(
          chunk([
            delta({
              role: 'assistant',
              tool_calls: [{ id: 'g1', type: 'function', function: { name: 'a', arguments: '{"x":' } }],
            }),
          ]),
          chunk([delta({ tool_calls: [{ function: { arguments: '1}' } }] })]),
          chunk([
            delta({ tool_calls: [{ id: 'g2', type: 'function', function: { name: 'b', arguments: '{}' } }] }),
          ]),
          chunk([delta({}, 'tool_calls')]),
          DONE,
        ),
        SSE,
      ),
    );
    expect(parsedToolCalls(completion)).toStrictEqual([
      { id: 'g1', type: 'function', name: 'a', arguments: { x: 1 } },
      { id: 'g2', type: 'function', name: 'b', arguments: {} },
    ]);
  });

  it('arguments before the name are held; whole re-sent arguments and re-indexed duplicates are dropped', async () => {
    const { chunks, completion } = await streamFrom(
      serveBody(
        sse(
          chunk([delta({ role: 'assistant', tool_calls: [{ index: 0, function: { arguments: '{"a"' } }] })]),
          chunk([
            delta({
              tool_calls: [
                { index: 0, id: 'call_9', type: 'function', function: { name: 'f', arguments: ':1}' } },
              ],
            }),
          ]),
          chunk([delta({ tool_calls: [{ index: 0, function: { arguments: '{"a":1}' } }] })]),
          chunk([
            delta({ tool_calls: [{ index: 3, id: 'call_9', type: 'function', function: { name: 'f' } }] }),
          ]),
          chunk([delta({}, 'tool_calls')]),
          DONE,
        ),
        SSE,
      ),
    );
    expect(chunks.map((c) => c.choices[0]!.delta)).toStrictEqual([
      { role: 'assistant' },
      {
        tool_calls: [
          { index: 0, id: 'call_9', type: 'function', function: { name: 'f', arguments: '{"a":1}' } },
        ],
      },
      {},
    ]);
    expect(parsedToolCalls(completion)).toStrictEqual([
      { id: 'call_9', type: 'function', name: 'f', arguments: { a: 1 } },
    ]);
  });

  it('a tool call that never gets a name is a bad_response', async () => {
    const { error } = await failure(
      sse(
        chunk([delta({ role: 'assistant', tool_calls: [{ index: 0, function: { arguments: '{}' } }] })]),
        chunk([delta({}, 'tool_calls')]),
      ),
    );
    expect(error.code).toBe('bad_response');
    expect(error.message).toBe('The upstream sent tool call 0 without a function name.');
  });

  it('usage sent on every chunk (cumulative) yields one usage chunk, the last value', async () => {
    const usage = (n: number) => ({ prompt_tokens: 5, completion_tokens: n, total_tokens: 5 + n });
    const { chunks } = await streamFrom(
      serveBody(
        sse(
          chunk([delta({ role: 'assistant', reasoning: 'think' })], { usage: usage(1) }),
          chunk([delta({ content: 'a' })], { usage: usage(2) }),
          chunk([delta({}, 'stop')], { usage: usage(3) }),
          DONE,
        ),
        SSE,
      ),
    );
    expect(chunks).toStrictEqual([
      chunk([delta({ role: 'assistant', reasoning_content: 'think' })]),
      chunk([delta({ content: 'a' })]),
      chunk([delta({}, 'stop')]),
      chunk([], { usage: usage(3) }),
    ]);
  });
});

describe('a burst of events in one network piece', () => {
  /** repairStream over one piece holding the whole recorded stream, counting the JSON it parses. */
  function burst(name: string, crlf = false) {
    const text = sseFromChunkLines(name);
    const body = Buffer.from(crlf ? text.replaceAll('\n', '\r\n') : text);
    const count = { parsed: 0 };
    const json = {
      parse(data: string): unknown {
        count.parsed++;
        return JSON.parse(data);
      },
    };
    const pieces = (async function* () {
      yield new Uint8Array(body);
    })();
    const stream = repairStream(pieces, { requestId: 'req_1', model: 'm', generateId: () => 'id', json });
    return { stream, count };
  }

  it.each([
    ['LF', false],
    ['CRLF', true],
  ])('hands out the first chunk before parsing the rest of the piece (%s line ends)', async (_, crlf) => {
    const events = chunkLines('openai-text.chunks.txt').length;
    const { stream, count } = burst('openai-text.chunks.txt', crlf);
    const first = await stream.next();
    expect(first.done).toBe(false);
    expect(count.parsed).toBe(1);
    const rest = await collect(stream);
    expect(count.parsed).toBe(events);
    // Everything else as in one go: every content chunk, then the usage chunk.
    const whole = await collect(
      repairStream(
        (async function* () {
          yield new Uint8Array(Buffer.from(sseFromChunkLines('openai-text.chunks.txt')));
        })(),
        { requestId: 'req_1', model: 'm', generateId: () => 'id' },
      ),
    );
    expect([first.value, ...rest]).toStrictEqual(whole);
  });

  it('stopping after the first chunk parses nothing more', async () => {
    const { stream, count } = burst('openai-text.chunks.txt');
    await stream.next();
    await stream.return?.();
    expect(await stream.next()).toStrictEqual({ done: true, value: undefined });
    expect(count.parsed).toBe(1);
  });
});

describe('chunks taken at hand (takeReady) are the chunks next() gives', () => {
  const VECTORS = [
    ...CHUNK_VECTORS,
    'f82268f2fefd5cfbc7eeb59c297688be2f6ca0849a6e4f17851b517310841d9b.bin',
    '7e5ea4d12e7cc064399b6631415e65923f182256b6e6b752950a3aaa2ad2320a.bin',
    '173417d553406f034f643e5db3f8d591fb691ebac56f5ae39a22cc7d455c5353.bin',
    '4cc50a6135d254573a502310e6af1246f55edb6ad95fa24059f160996b68866d.bin',
    '83b060bae42eb41c4f1edbb7c1542b954b37d9dfd1910b964ddebc9677e6ae85.bin',
    'anthropic-fallback-tool-call.sse',
  ];
  const body = (name: string) =>
    name.endsWith('.chunks.txt') ? Buffer.from(sseFromChunkLines(name)) : fixture(name);

  /** The recorded body as network pieces of `size` bytes (the whole body when 0). */
  function piecesOf(bytes: Buffer, size: number): AsyncIterable<Uint8Array> {
    return (async function* () {
      const step = size || bytes.length;
      for (let at = 0; at < bytes.length; at += step) yield new Uint8Array(bytes.subarray(at, at + step));
    })();
  }

  /** Every chunk, taken at hand whenever the iterator offers one; counts those taken so. */
  async function collectReady(iterator: AsyncIterator<ChatCompletionChunk>) {
    const chunks: ChatCompletionChunk[] = [];
    let ready = 0;
    for (;;) {
      const taken = takeReady(iterator);
      if (taken) ready++;
      const result = taken ?? (await iterator.next());
      if (result.done) return { chunks, ready };
      chunks.push(result.value);
    }
  }

  const options = { requestId: 'req_1', model: 'm', generateId: () => 'id' };

  for (const size of [0, 97]) {
    it.each(VECTORS)(
      `%s in ${size === 0 ? 'one piece' : `${size}-byte pieces`}: same chunks, same bytes sent`,
      async (name) => {
        const bytes = body(name);
        const expected = await collect(repairStream(piecesOf(bytes, size), options));
        const { chunks, ready } = await collectReady(repairStream(piecesOf(bytes, size), options));
        expect(chunks).toStrictEqual(expected);
        expect(chunks.map((chunk) => encodeChunk(chunk))).toStrictEqual(
          expected.map((chunk) => encodeChunk(chunk)),
        );
        if (size === 0) expect(ready).toBe(expected.length - 1); // all but the first chunk of the burst
      },
    );
  }

  it.each(VECTORS)('%s through the adapter: same chunks, same bytes sent', async (name) => {
    const expected = (await streamFrom(serveBody(body(name), SSE))).chunks;
    upstream.respond(serveBody(body(name), SSE));
    const adapter = createOpenAICompatibleAdapter({ name: 'test', baseURL: upstream.baseURL });
    const stream = adapter.stream!(testChatRequest({ stream: true }), testAdapterContext());
    const { chunks } = await collectReady(stream[Symbol.asyncIterator]());
    expect(chunks).toStrictEqual(expected);
    expect(chunks.map((chunk) => encodeChunk(chunk))).toStrictEqual(
      expected.map((chunk) => encodeChunk(chunk)),
    );
  });

  it('an error event after a burst comes through next(), after the chunks before it', async () => {
    const chunk = (content: string, finish: string | null = null) =>
      `data: ${JSON.stringify({ id: 'c1', object: 'chat.completion.chunk', created: 1, model: 'm', choices: [{ index: 0, delta: { content }, finish_reason: finish }] })}\n\n`;
    const text = `${chunk('a')}${chunk('b')}event: error\ndata: {"error":{"message":"boom","type":"server_error"}}\n\n${chunk('c')}`;
    const stream = repairStream(piecesOf(Buffer.from(text), 0), options);
    const first = await stream.next();
    expect(first.done).toBe(false);
    const second = stream.takeReady();
    expect(second?.value.choices[0]?.delta.content).toBe('b');
    expect(stream.takeReady()).toBeUndefined();
    await expect(stream.next()).rejects.toMatchObject({ streamStarted: true });
  });
});
