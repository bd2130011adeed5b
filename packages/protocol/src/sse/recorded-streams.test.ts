// Recorded provider streams (see __fixtures__/PROVENANCE.md): decoded with decodeSSE, folded with
// the accumulator, checked against what the recordings contain.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ChatCompletionAccumulator } from '../accumulator/index.js';
import type { ChatCompletion, ChatCompletionChoice } from '../schemas/index.js';
import { collect, fixtureSSE, splitAt, streamOf } from './__fixtures__/streams.js';
import { decodeSSE } from './decode-sse.js';
import { createSSEDecoder, type SSEEvent } from './sse-decoder.js';

const FIXTURES = [
  'openai-text.chunks.txt',
  'issue-15789-step-1.chunks.txt',
  'openai-parallel-tool-calls.sse',
  'openai-json-schema.sse',
  'openai-refusal.sse',
  'openai-max-tokens.sse',
  'openai-logprobs.sse',
  'deepseek-reasoning.chunks.txt',
  'deepseek-tool-call.chunks.txt',
  'groq-tool-call.chunks.txt',
  'mistral-incremental-tool-call.chunks.txt',
  'issue-13703-mistral-thinking.chunks.txt',
  'anthropic-fallback-tool-call.sse',
  'test_zai_thinking_stream.yaml',
] as const;

type Fixture = (typeof FIXTURES)[number];

async function decode(pieces: Uint8Array[]): Promise<SSEEvent[]> {
  return collect(decodeSSE(streamOf(pieces)));
}

async function completionOf(name: Fixture): Promise<{ completion: ChatCompletion; events: SSEEvent[] }> {
  const events = await decode([fixtureSSE(name)]);
  const accumulator = new ChatCompletionAccumulator();
  for (const event of events) {
    if (event.type === 'chunk') accumulator.add(event.chunk);
    else if (event.type !== 'done') throw new Error(`unexpected ${event.type} event in ${name}`);
  }
  return { completion: accumulator.complete(), events };
}

function onlyChoice(completion: ChatCompletion): ChatCompletionChoice {
  expect(completion.choices).toHaveLength(1);
  return completion.choices[0]!;
}

function parsedToolCalls(choice: ChatCompletionChoice) {
  return choice.message.tool_calls?.map((call) => ({
    id: call.id,
    type: call.type,
    name: call.function.name,
    arguments: JSON.parse(call.function.arguments) as unknown,
  }));
}

describe('recorded streams: decode + accumulate', () => {
  it('OpenAI text (gpt-4.1-nano, 303 chunks, usage chunk with choices: [])', async () => {
    const { completion, events } = await completionOf('openai-text.chunks.txt');
    expect(events).toHaveLength(303);
    expect(completion.id).toBe('chatcmpl-D8Z5oo6uDh67AD85p73ksdT1KxhE0');
    expect(completion.object).toBe('chat.completion');
    expect(completion.model).toBe('gpt-4.1-nano-2025-04-14');
    expect(completion.created).toBe(1770933892);
    expect(completion.system_fingerprint).toBe('fp_de604bd877');
    expect(completion.service_tier).toBe('default');
    const choice = onlyChoice(completion);
    const content = choice.message.content ?? '';
    expect(content).toHaveLength(1724);
    expect(content.startsWith('**Holiday Name:** Harmony Day\n\n**Date:** Celebrated annually')).toBe(true);
    expect(content.endsWith('connected through shared human experiences and mutual respect.')).toBe(true);
    expect(content).toContain('various cultures’ histories');
    expect(choice.message.role).toBe('assistant');
    expect(choice.message.refusal).toBeUndefined();
    expect(choice.message.tool_calls).toBeUndefined();
    expect(choice.finish_reason).toBe('stop');
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

  it('OpenAI text followed by a tool call in the same message', async () => {
    const { completion } = await completionOf('issue-15789-step-1.chunks.txt');
    const choice = onlyChoice(completion);
    expect(choice.message.content).toBe('PRE_TOOL');
    expect(parsedToolCalls(choice)).toStrictEqual([
      { id: 'call_NZa7xqfefoaMI2YYHowVXVlU', type: 'function', name: 'weather', arguments: {} },
    ]);
    expect(choice.finish_reason).toBe('tool_calls');
    expect(completion.usage?.total_tokens).toBe(70);
  });

  it('OpenAI parallel tool calls with arguments split mid-token', async () => {
    const { completion, events } = await completionOf('openai-parallel-tool-calls.sse');
    expect(events.at(-1)).toStrictEqual({ type: 'done' });
    const choice = onlyChoice(completion);
    expect(choice.message.content).toBeNull();
    expect(choice.message.tool_calls?.map((call) => call.function.arguments)).toStrictEqual([
      '{"city": "Edinburgh", "country": "GB", "units": "c"}',
      '{"ticker": "AAPL", "exchange": "NASDAQ"}',
    ]);
    expect(parsedToolCalls(choice)).toStrictEqual([
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
    expect(choice.finish_reason).toBe('tool_calls');
    expect(completion.usage).toStrictEqual({
      prompt_tokens: 149,
      completion_tokens: 60,
      total_tokens: 209,
      completion_tokens_details: { reasoning_tokens: 0 },
    });
    expect(completion.system_fingerprint).toBe('fp_5050236cbd');
  });

  it('OpenAI json_schema output streamed as content', async () => {
    const { completion } = await completionOf('openai-json-schema.sse');
    const choice = onlyChoice(completion);
    expect(JSON.parse(choice.message.content ?? '')).toStrictEqual({
      city: 'San Francisco',
      temperature: 61,
      units: 'f',
    });
    expect(choice.message.refusal).toBeUndefined();
    expect(choice.finish_reason).toBe('stop');
    expect(completion.usage?.completion_tokens).toBe(14);
  });

  it('OpenAI refusal deltas', async () => {
    const { completion } = await completionOf('openai-refusal.sse');
    const choice = onlyChoice(completion);
    expect(choice.message).toStrictEqual({
      role: 'assistant',
      content: null,
      refusal: "I'm sorry, I can't assist with that request.",
    });
    expect(choice.finish_reason).toBe('stop');
    expect(completion.usage?.total_tokens).toBe(90);
  });

  it('OpenAI stream cut by max_tokens', async () => {
    const { completion } = await completionOf('openai-max-tokens.sse');
    const choice = onlyChoice(completion);
    expect(choice.message.content).toBe('{"');
    expect(choice.finish_reason).toBe('length');
    expect(completion.usage).toStrictEqual({
      prompt_tokens: 79,
      completion_tokens: 1,
      total_tokens: 80,
      completion_tokens_details: { reasoning_tokens: 0 },
    });
  });

  it('OpenAI logprobs concatenated across chunks', async () => {
    const { completion } = await completionOf('openai-logprobs.sse');
    const choice = onlyChoice(completion);
    expect(choice.message.content).toBe('Foo!');
    expect(choice.logprobs).toStrictEqual({
      content: [
        { token: 'Foo', logprob: -0.0025094282, bytes: [70, 111, 111], top_logprobs: [] },
        { token: '!', logprob: -0.26638845, bytes: [33], top_logprobs: [] },
      ],
      refusal: null,
    });
    expect(completion.usage?.total_tokens).toBe(11);
  });

  it('DeepSeek reasoner: reasoning_content, then content; finish and usage in one chunk', async () => {
    const { completion, events } = await completionOf('deepseek-reasoning.chunks.txt');
    expect(events).toHaveLength(220);
    expect(completion.model).toBe('deepseek-reasoner');
    const choice = onlyChoice(completion);
    expect(choice.message.content).toBe('The word "strawberry" contains three "r"s.');
    const reasoning = choice.message.reasoning_content ?? '';
    expect(reasoning).toHaveLength(606);
    expect(reasoning.startsWith('We need to count the number of the letter "r" in the word "s')).toBe(true);
    expect(reasoning.endsWith('at positions 3, 8, and 9. So yes, 3.\n\nThus, the answer is 3.')).toBe(true);
    expect(choice.finish_reason).toBe('stop');
    expect(completion.usage).toStrictEqual({
      prompt_tokens: 18,
      completion_tokens: 219,
      total_tokens: 237,
      prompt_tokens_details: { cached_tokens: 0 },
      completion_tokens_details: { reasoning_tokens: 205 },
      prompt_cache_hit_tokens: 0,
      prompt_cache_miss_tokens: 18,
    });
  });

  it('DeepSeek reasoner tool call: reasoning, then arguments split per character', async () => {
    const { completion } = await completionOf('deepseek-tool-call.chunks.txt');
    const choice = onlyChoice(completion);
    expect(choice.message.content).toBeNull();
    expect(choice.message.reasoning_content).toBe(
      'The user is asking for the weather in San Francisco. I need to use the weather tool to get this information. Let me invoke the weather tool with the location parameter set to "San Francisco".',
    );
    expect(parsedToolCalls(choice)).toStrictEqual([
      {
        id: 'call_00_ioIn7yN9p1ZOMNpDLwd4MgAF',
        type: 'function',
        name: 'weather',
        arguments: { location: 'San Francisco' },
      },
    ]);
    expect(choice.finish_reason).toBe('tool_calls');
    expect(completion.usage?.prompt_tokens_details?.cached_tokens).toBe(320);
    expect(completion.usage?.completion_tokens_details?.reasoning_tokens).toBe(39);
  });

  it('Groq: whole tool call in one delta, usage on the finish chunk (x_groq ignored)', async () => {
    const { completion } = await completionOf('groq-tool-call.chunks.txt');
    const choice = onlyChoice(completion);
    expect(choice.message).toStrictEqual({
      role: 'assistant',
      content: null,
      tool_calls: [{ id: 'tk85n1k4m', type: 'function', function: { name: 'weather', arguments: '{}' } }],
    });
    expect(completion.usage).toMatchObject({ prompt_tokens: 210, completion_tokens: 15, total_tokens: 225 });
    expect(completion).not.toHaveProperty('x_groq');
  });

  it('GLM via Mistral: identity first, then an id-less fragment with name:"" — name not blanked or doubled', async () => {
    const { completion } = await completionOf('mistral-incremental-tool-call.chunks.txt');
    const choice = onlyChoice(completion);
    expect(choice.message).toStrictEqual({
      role: 'assistant',
      content: null,
      tool_calls: [
        {
          id: 'chatcmpl-tool-9f149c74c42f265b',
          type: 'function',
          function: { name: 'webSearchTool', arguments: '{"query": "current Berlin weather"}' },
        },
      ],
    });
    expect(choice.finish_reason).toBe('tool_calls');
    expect(completion.usage?.total_tokens).toBe(185);
  });

  it('Mistral thinking: content-part arrays split into reasoning_content and content', async () => {
    const { completion } = await completionOf('issue-13703-mistral-thinking.chunks.txt');
    const choice = onlyChoice(completion);
    expect(choice.message.content).toBe('391');
    expect(choice.message.reasoning_content).toBe(
      'Okay, the user is asking for the product of 17 and 23. I need to calculate this multiplication. Let me break it down:\n\nFirst, I recall that 17 multiplied by 20 is 340 (since 17 * 20 = 340).\nThen, I need to add 17 multiplied by 3, which is 51 (since 17 * 3 = 51).\nNow, add these two results together: 340 + 51 = 391.\n\nSo, 17 * 23 = 391.',
    );
    expect(choice.finish_reason).toBe('stop');
    expect(completion.usage).toStrictEqual({
      prompt_tokens: 28,
      total_tokens: 167,
      completion_tokens: 139,
      prompt_tokens_details: { cached_tokens: 0 },
    });
  });

  it('Anthropic OpenAI-compatible: text, then a tool call whose first index is 1', async () => {
    const { completion, events } = await completionOf('anthropic-fallback-tool-call.sse');
    expect(events.at(-1)).toStrictEqual({ type: 'done' });
    const choice = onlyChoice(completion);
    expect(choice.message).toStrictEqual({
      role: 'assistant',
      content: 'Reading it.',
      tool_calls: [
        {
          id: 'toolu_sanitized',
          type: 'function',
          function: { name: 'read_file', arguments: '{"path": "a.txt"}' },
        },
      ],
    });
    expect(choice.finish_reason).toBe('tool_calls');
    expect(completion).not.toHaveProperty('usage');
  });

  it('Z.AI GLM-4.7 thinking: role repeated in every delta, no finish_reason:null keys', async () => {
    const { completion, events } = await completionOf('test_zai_thinking_stream.yaml');
    expect(events).toHaveLength(94);
    expect(completion.id).toBe('202607010739425543ff9439144b2c');
    expect(completion.model).toBe('glm-4.7');
    const choice = onlyChoice(completion);
    expect(choice.message.role).toBe('assistant');
    expect(choice.message.content).toBe('4');
    const reasoning = choice.message.reasoning_content ?? '';
    expect(reasoning).toHaveLength(2173);
    expect(reasoning.startsWith("\n1.  **Analyze the User's Request:** The user is asking a ve")).toBe(true);
    expect(reasoning.endsWith('fluff is needed.\n\n7.  **Draft the final response:** "4".')).toBe(true);
    expect(choice.finish_reason).toBe('stop');
    expect(completion.usage).toStrictEqual({
      prompt_tokens: 13,
      completion_tokens: 564,
      total_tokens: 577,
      prompt_tokens_details: { cached_tokens: 0 },
      completion_tokens_details: { reasoning_tokens: 561 },
    });
  });
});

describe('recorded streams: network cut points', () => {
  const SMALL = 8 * 1024;

  it.each(FIXTURES.filter((name) => fixtureSSE(name).length <= SMALL))(
    '%s decodes identically when cut at every byte offset, and byte by byte',
    async (name) => {
      const body = fixtureSSE(name);
      const reference = await decode([body]);
      // The synchronous core is used for the exhaustive sweep; decodeSSE is checked on 1-byte pieces.
      const decodeSync = (pieces: Uint8Array[]) => {
        const events: SSEEvent[] = [];
        const decoder = createSSEDecoder((event) => events.push(event));
        for (const piece of pieces) decoder.feed(piece);
        decoder.end();
        return events;
      };
      // These recordings hold no error events, so JSON text equality is exact (and fast enough to
      // run thousands of times); a mismatch is reported with the full structural diff.
      // Each pass cuts at 8 far-apart offsets, so the passes together cut at every byte offset.
      const referenceJson = JSON.stringify(reference);
      const stride = Math.ceil(body.length / 8);
      for (let offset = 1; offset <= stride; offset++) {
        const cuts = Array.from({ length: 8 }, (_, i) => offset + i * stride);
        const events = decodeSync(splitAt(body, cuts));
        if (JSON.stringify(events) !== referenceJson)
          expect(events, `cuts at ${cuts}`).toStrictEqual(reference);
      }
      const bytes = Array.from({ length: body.length }, (_, i) => body.subarray(i, i + 1));
      expect(await decode(bytes)).toStrictEqual(reference);
    },
  );

  it.each(FIXTURES.filter((name) => fixtureSSE(name).length > SMALL))(
    '%s decodes identically for random network cuts',
    async (name) => {
      const body = fixtureSSE(name);
      const reference = await decode([body]);
      const referenceJson = JSON.stringify(reference);
      // Random offsets rarely land inside the few multi-byte characters or line ends: draw some
      // cuts from those positions on purpose.
      const tricky = [...body.keys()].filter(
        (i) => i > 0 && (body[i]! >= 0x80 || body[i] === 0x0a || body[i] === 0x0d),
      );
      const anyOffset = fc.integer({ min: 1, max: body.length - 1 });
      await fc.assert(
        fc.asyncProperty(
          fc.uniqueArray(anyOffset, { maxLength: 200 }),
          fc.subarray(tricky, { maxLength: Math.min(200, tricky.length) }),
          async (random, chosen) => {
            const events = await decode(splitAt(body, [...random, ...chosen]));
            if (JSON.stringify(events) !== referenceJson) expect(events).toStrictEqual(reference);
          },
        ),
        { numRuns: 40 },
      );
    },
  );

  it.each([
    ['CRLF', '\r\n'],
    ['CR', '\r'],
  ])('every recording decodes identically with %s line ends', async (_name, eol) => {
    for (const name of FIXTURES) {
      const body = fixtureSSE(name);
      // JSON payloads never contain raw line breaks, so every LF in these bodies is SSE framing.
      const converted = new TextEncoder().encode(new TextDecoder().decode(body).replaceAll('\n', eol));
      const cuts = Array.from({ length: 50 }, (_, i) => Math.floor(((i + 1) * converted.length) / 51));
      expect(await decode(splitAt(converted, cuts))).toStrictEqual(await decode([body]));
    }
  });
});
