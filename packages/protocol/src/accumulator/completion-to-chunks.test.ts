import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { ChatCompletion, ChatCompletionChoice } from '../schemas/index.js';
import { accumulateChunks } from './chat-completion-accumulator.js';
import { completionToChunks } from './completion-to-chunks.js';

const base = { id: 'chatcmpl-9', object: 'chat.completion', created: 1700000000, model: 'glm-5.1' } as const;
const usage = { prompt_tokens: 20, completion_tokens: 12, total_tokens: 32 };

describe('completionToChunks', () => {
  it('emits the chunk sequence of an OpenAI stream: role, reasoning, content, tool calls, finish, usage', () => {
    const completion: ChatCompletion = {
      ...base,
      system_fingerprint: 'fp_1',
      choices: [
        {
          index: 0,
          message: {
            role: 'assistant',
            content: 'Checking.',
            reasoning_content: 'Need weather.',
            tool_calls: [
              {
                id: 'call_a',
                type: 'function',
                function: { name: 'get_weather', arguments: '{"city":"Paris"}' },
              },
            ],
          },
          logprobs: null,
          finish_reason: 'tool_calls',
        },
      ],
      usage,
    };
    const meta = { ...base, object: 'chat.completion.chunk', system_fingerprint: 'fp_1', usage: null };
    const choice = (delta: object, finish: string | null = null) => ({
      index: 0,
      delta,
      logprobs: null,
      finish_reason: finish,
    });
    expect(completionToChunks(completion, { includeUsage: true })).toStrictEqual([
      { ...meta, choices: [choice({ role: 'assistant', content: '' })] },
      { ...meta, choices: [choice({ reasoning_content: 'Need weather.' })] },
      { ...meta, choices: [choice({ content: 'Checking.' })] },
      {
        ...meta,
        choices: [
          choice({
            tool_calls: [
              { index: 0, id: 'call_a', type: 'function', function: { name: 'get_weather', arguments: '' } },
            ],
          }),
        ],
      },
      {
        ...meta,
        choices: [choice({ tool_calls: [{ index: 0, function: { arguments: '{"city":"Paris"}' } }] })],
      },
      { ...meta, choices: [choice({}, 'tool_calls')] },
      { ...meta, choices: [], usage },
    ]);
  });

  it('puts vendor fields (signed reasoning_details) after the reasoning and before the text', () => {
    const details = [
      { type: 'reasoning.text', text: 'T', signature: 'sig', format: 'anthropic-claude-v1', index: 0 },
    ];
    const chunks = completionToChunks({
      id: 'c',
      object: 'chat.completion',
      created: 0,
      model: 'm',
      choices: [
        {
          index: 0,
          message: {
            role: 'assistant',
            content: 'Hi',
            reasoning_content: 'T',
            reasoning_details: details,
          } as never,
          finish_reason: 'stop',
        },
      ],
    });
    expect(chunks.map((chunk) => chunk.choices[0]?.delta)).toStrictEqual([
      { role: 'assistant', content: '' },
      { reasoning_content: 'T' },
      { reasoning_details: details },
      { content: 'Hi' },
      {},
    ]);
  });

  it('starts a tool-only turn with content: null and leaves usage out unless asked', () => {
    const chunks = completionToChunks({
      ...base,
      choices: [
        {
          index: 0,
          message: {
            role: 'assistant',
            content: null,
            tool_calls: [{ id: 'c', type: 'function', function: { name: 'f', arguments: '{}' } }],
          },
          logprobs: null,
          finish_reason: 'tool_calls',
        },
      ],
      usage,
    });
    expect(chunks[0]?.choices[0]?.delta).toStrictEqual({ role: 'assistant', content: null });
    expect(chunks.every((chunk) => !('usage' in chunk))).toBe(true);
    expect(chunks.at(-1)?.choices).toHaveLength(1);
  });

  it('puts every choice of n > 1 in its own chunks, each with its finish chunk', () => {
    const choice = (index: number, content: string): ChatCompletionChoice => ({
      index,
      message: { role: 'assistant', content },
      logprobs: null,
      finish_reason: 'stop',
    });
    const chunks = completionToChunks({ ...base, choices: [choice(0, 'a'), choice(1, 'b')] });
    expect(chunks.map((chunk) => [chunk.choices[0]?.index, chunk.choices[0]?.finish_reason])).toStrictEqual([
      [0, null],
      [0, null],
      [0, 'stop'],
      [1, null],
      [1, null],
      [1, 'stop'],
    ]);
  });
});

// Completions in the normal form the accumulator produces (see ChatCompletionAccumulator):
// `reasoning_content` (not `reasoning`), no empty content beside tool calls, non-empty tool ids
// and arguments, absent rather than null optional fields, choices sorted by index.
const text = fc.string({ unit: 'binary', maxLength: 40 });
const nonEmpty = fc.string({ unit: 'binary', minLength: 1, maxLength: 40 });
const logprobToken = fc.record({
  token: text,
  logprob: fc.double({ max: 0, noNaN: true, noDefaultInfinity: true }),
});
const plain = { noNullPrototype: true } as const;
const toolCall = fc.record(
  {
    id: nonEmpty,
    type: fc.constant('function' as const),
    function: fc.record({ name: text, arguments: nonEmpty }, plain),
  },
  plain,
);

const message = fc
  .record(
    {
      role: fc.constant('assistant' as const),
      content: fc.option(text),
      reasoning_content: text,
      refusal: text,
      tool_calls: fc.array(toolCall, { minLength: 1, maxLength: 3 }),
      function_call: fc.record({ name: text, arguments: nonEmpty }, plain),
    },
    { requiredKeys: ['role', 'content'], noNullPrototype: true },
  )
  .filter((value) => !(value.tool_calls && value.content === ''));

const completionArbitrary = fc
  .record({
    id: text,
    created: fc.nat(),
    model: text,
    system_fingerprint: fc.option(nonEmpty),
    service_tier: fc.option(nonEmpty),
    indexes: fc.uniqueArray(fc.nat({ max: 5 }), { minLength: 1, maxLength: 3 }),
    messages: fc.array(message, { minLength: 3, maxLength: 3 }),
    logprobs: fc.array(
      fc.option(
        fc.record(
          {
            content: fc.option(fc.array(logprobToken, { maxLength: 3 })),
            refusal: fc.option(fc.array(logprobToken, { maxLength: 3 })),
          },
          plain,
        ),
      ),
      { minLength: 3, maxLength: 3 },
    ),
    finishReasons: fc.array(fc.constantFrom('stop', 'length', 'tool_calls', 'content_filter', 'sensitive'), {
      minLength: 3,
      maxLength: 3,
    }),
    usage: fc.record({ prompt_tokens: fc.nat(), completion_tokens: fc.nat(), total_tokens: fc.nat() }, plain),
  })
  .map(({ indexes, messages, logprobs, finishReasons, ...rest }): ChatCompletion => {
    const completion: ChatCompletion = {
      id: rest.id,
      object: 'chat.completion',
      created: rest.created,
      model: rest.model,
      choices: [...indexes]
        .sort((a, b) => a - b)
        .map((index, i) => ({
          index,
          message: messages[i]!,
          logprobs: logprobs[i] ?? null,
          finish_reason: finishReasons[i]!,
        })),
      usage: rest.usage,
    };
    if (rest.system_fingerprint !== null) completion.system_fingerprint = rest.system_fingerprint;
    if (rest.service_tier !== null) completion.service_tier = rest.service_tier;
    return completion;
  });

describe('accumulate(completionToChunks(c))', () => {
  it('gives back c for completions in normal form, with and without the usage chunk', async () => {
    await fc.assert(
      fc.asyncProperty(completionArbitrary, async (completion) => {
        expect(await accumulateChunks(completionToChunks(completion, { includeUsage: true }))).toStrictEqual(
          completion,
        );
        const { usage: _usage, ...withoutUsage } = completion;
        expect(await accumulateChunks(completionToChunks(completion))).toStrictEqual(withoutUsage);
      }),
      { numRuns: 300 },
    );
  });

  it('normalises `reasoning` to `reasoning_content`, "" beside tool calls to null, empty arguments to "{}"', async () => {
    const completion: ChatCompletion = {
      ...base,
      choices: [
        {
          index: 0,
          message: {
            role: 'assistant',
            content: '',
            reasoning: 'hmm',
            tool_calls: [{ id: 'c', type: 'function', function: { name: 'f', arguments: '' } }],
          },
          logprobs: null,
          finish_reason: 'tool_calls',
        },
      ],
    };
    expect((await accumulateChunks(completionToChunks(completion))).choices[0]?.message).toStrictEqual({
      role: 'assistant',
      content: null,
      reasoning_content: 'hmm',
      tool_calls: [{ id: 'c', type: 'function', function: { name: 'f', arguments: '{}' } }],
    });
  });
});
