import { describe, expect, it } from 'vitest';
import { ProtocolError } from '../errors/index.js';
import type { ChatCompletionChunk, ChunkChoice, ChunkDelta, ToolCallDelta, Usage } from '../schemas/index.js';
import { accumulateChunks, ChatCompletionAccumulator } from './chat-completion-accumulator.js';

function chunk(choices: ChunkChoice[], extra: Partial<ChatCompletionChunk> = {}): ChatCompletionChunk {
  return {
    id: 'chatcmpl-1',
    object: 'chat.completion.chunk',
    created: 100,
    model: 'glm-5.1',
    choices,
    ...extra,
  };
}

function delta(value: ChunkDelta, index = 0, finish: string | null = null): ChunkChoice {
  return { index, delta: value, logprobs: null, finish_reason: finish };
}

const finish = (reason: string, index = 0) => delta({}, index, reason);
const tool = (value: ToolCallDelta, index = 0) => delta({ tool_calls: [value] }, index);

function accumulate(chunks: ChatCompletionChunk[]) {
  const accumulator = new ChatCompletionAccumulator();
  for (const item of chunks) accumulator.add(item);
  return accumulator.complete();
}

function expectIncomplete(run: () => unknown, message: RegExp) {
  try {
    run();
  } catch (error) {
    expect(ProtocolError.isInstance(error)).toBe(true);
    expect((error as ProtocolError).code).toBe('stream_incomplete');
    expect((error as ProtocolError).status).toBe(502);
    expect((error as ProtocolError).message).toMatch(message);
    return;
  }
  expect.fail('complete() did not throw');
}

describe('ChatCompletionAccumulator', () => {
  it('rebuilds a plain text completion with the ids, usage and metadata of the chunks', () => {
    const usage: Usage = { prompt_tokens: 9, completion_tokens: 2, total_tokens: 11 };
    const completion = accumulate([
      chunk([delta({ role: 'assistant', content: '' })], {
        system_fingerprint: 'fp_1',
        service_tier: 'default',
      }),
      chunk([delta({ content: 'Hel' })]),
      chunk([delta({ content: 'lo' })]),
      chunk([finish('stop')]),
      chunk([], { usage }),
    ]);
    expect(completion).toStrictEqual({
      id: 'chatcmpl-1',
      object: 'chat.completion',
      created: 100,
      model: 'glm-5.1',
      system_fingerprint: 'fp_1',
      service_tier: 'default',
      choices: [
        {
          index: 0,
          message: { role: 'assistant', content: 'Hello' },
          logprobs: null,
          finish_reason: 'stop',
        },
      ],
      usage,
    });
  });

  it('keeps choices of n > 1 apart, tool calls keyed by (choice, tool index)', () => {
    const completion = accumulate([
      chunk([delta({ role: 'assistant', content: null }, 0), delta({ role: 'assistant', content: null }, 1)]),
      chunk([tool({ index: 0, id: 'a0', type: 'function', function: { name: 'f', arguments: '' } }, 1)]),
      chunk([tool({ index: 0, id: 'b0', type: 'function', function: { name: 'g', arguments: '{"x"' } }, 0)]),
      chunk([tool({ index: 0, function: { arguments: '{"y":2}' } }, 1)]),
      chunk([tool({ index: 0, function: { arguments: ':1}' } }, 0)]),
      chunk([finish('tool_calls', 1), finish('tool_calls', 0)]),
    ]);
    expect(completion.choices.map((choice) => [choice.index, choice.message.tool_calls])).toStrictEqual([
      [0, [{ id: 'b0', type: 'function', function: { name: 'g', arguments: '{"x":1}' } }]],
      [1, [{ id: 'a0', type: 'function', function: { name: 'f', arguments: '{"y":2}' } }]],
    ]);
  });

  it('merges interleaved parallel tool calls by index and orders them by index', () => {
    const completion = accumulate([
      chunk([
        tool({ index: 1, id: 'call_b', type: 'function', function: { name: 'get_time', arguments: '{}' } }),
      ]),
      chunk([
        tool({ index: 0, id: 'call_a', type: 'function', function: { name: 'get_weather', arguments: '' } }),
      ]),
      chunk([tool({ index: 0, function: { arguments: '{"city":"Par' } })]),
      chunk([tool({ index: 0, function: { arguments: 'is"}' } })]),
      chunk([finish('tool_calls')]),
    ]);
    expect(completion.choices[0]?.message.tool_calls).toStrictEqual([
      { id: 'call_a', type: 'function', function: { name: 'get_weather', arguments: '{"city":"Paris"}' } },
      { id: 'call_b', type: 'function', function: { name: 'get_time', arguments: '{}' } },
    ]);
  });

  it('sets tool identity once when a provider repeats it in every fragment (Fireworks/GLM)', () => {
    const fragment = (args: string) =>
      chunk([
        tool({
          index: 0,
          id: 'chatcmpl-tool-aa62',
          type: 'function',
          function: { name: 'my_tool', arguments: args },
        }),
      ]);
    const completion = accumulate([
      fragment('{"a"'),
      fragment(':1'),
      fragment('}'),
      chunk([finish('tool_calls')]),
    ]);
    expect(completion.choices[0]?.message.tool_calls).toStrictEqual([
      { id: 'chatcmpl-tool-aa62', type: 'function', function: { name: 'my_tool', arguments: '{"a":1}' } },
    ]);
  });

  it('ignores blank id and name in later fragments', () => {
    const completion = accumulate([
      chunk([
        tool({ index: 0, id: 'call_1', type: 'function', function: { name: 'search', arguments: '' } }),
      ]),
      chunk([tool({ index: 0, id: '', type: 'function', function: { name: '', arguments: '{"q":"x"}' } })]),
      chunk([finish('tool_calls')]),
    ]);
    expect(completion.choices[0]?.message.tool_calls).toStrictEqual([
      { id: 'call_1', type: 'function', function: { name: 'search', arguments: '{"q":"x"}' } },
    ]);
  });

  it('takes the name from a later fragment when the first one had none', () => {
    const completion = accumulate([
      chunk([tool({ index: 0, function: { arguments: '{' } })]),
      chunk([tool({ index: 0, id: 'call_1', function: { name: 'late', arguments: '}' } })]),
      chunk([finish('tool_calls')]),
    ]);
    expect(completion.choices[0]?.message.tool_calls).toStrictEqual([
      { id: 'call_1', type: 'function', function: { name: 'late', arguments: '{}' } },
    ]);
  });

  it('matches fragments without index by id, then by position (Gemini OpenAI layer)', () => {
    const completion = accumulate([
      // Two whole calls in one delta, no index at all.
      chunk([
        delta({
          tool_calls: [
            { id: 'g1', type: 'function', function: { name: 'a', arguments: '{"n":' } },
            { id: 'g2', type: 'function', function: { name: 'b', arguments: '{}' } },
          ],
        }),
      ]),
      // A continuation found by id.
      chunk([tool({ id: 'g1', function: { arguments: '1}' } })]),
      // A third call in its own chunk, again at position 0 but with a new id.
      chunk([tool({ id: 'g3', type: 'function', function: { name: 'c', arguments: '{"m":' } })]),
      chunk([finish('tool_calls')]),
    ]);
    expect(completion.choices[0]?.message.tool_calls).toStrictEqual([
      { id: 'g1', type: 'function', function: { name: 'a', arguments: '{"n":1}' } },
      { id: 'g2', type: 'function', function: { name: 'b', arguments: '{}' } },
      { id: 'g3', type: 'function', function: { name: 'c', arguments: '{"m":' } },
    ]);
  });

  it('fills a missing tool-call id and empty arguments so the call stays usable', () => {
    const completion = accumulate([
      chunk([tool({ index: 0, type: 'function', function: { name: 'no_args' } })]),
      chunk([finish('tool_calls')]),
    ]);
    expect(completion.choices[0]?.message.tool_calls).toStrictEqual([
      { id: 'call_0', type: 'function', function: { name: 'no_args', arguments: '{}' } },
    ]);
  });

  it('gives content null when only tool calls came, and omits tool_calls when none came', () => {
    const toolsOnly = accumulate([
      chunk([delta({ role: 'assistant', content: '' })]),
      chunk([tool({ index: 0, id: 'c', type: 'function', function: { name: 'f', arguments: '{}' } })]),
      chunk([finish('tool_calls')]),
    ]);
    expect(toolsOnly.choices[0]?.message.content).toBeNull();
    const textOnly = accumulate([
      chunk([delta({ role: 'assistant', content: '' })]),
      chunk([finish('stop')]),
    ]);
    expect(textOnly.choices[0]?.message).toStrictEqual({ role: 'assistant', content: '' });
  });

  it('appends reasoning_content and accepts the `reasoning` alias', () => {
    const completion = accumulate([
      chunk([delta({ role: 'assistant', reasoning_content: 'Let me ' })]),
      chunk([delta({ reasoning: 'think.' })]),
      chunk([delta({ content: '42' })]),
      chunk([finish('stop')]),
    ]);
    expect(completion.choices[0]?.message).toStrictEqual({
      role: 'assistant',
      content: '42',
      reasoning_content: 'Let me think.',
    });
  });

  it('appends refusal and concatenates logprobs arrays', () => {
    const token = (text: string) => ({ token: text, logprob: -1, bytes: [], top_logprobs: [] });
    const completion = accumulate([
      chunk([
        {
          ...delta({ role: 'assistant', content: null, refusal: '' }),
          logprobs: { content: null, refusal: [] },
        },
      ]),
      chunk([{ ...delta({ refusal: 'No' }), logprobs: { content: null, refusal: [token('No')] } }]),
      chunk([{ ...delta({ refusal: '.' }), logprobs: { content: null, refusal: [token('.')] } }]),
      chunk([finish('stop')]),
    ]);
    expect(completion.choices[0]).toStrictEqual({
      index: 0,
      message: { role: 'assistant', content: null, refusal: 'No.' },
      logprobs: { content: null, refusal: [token('No'), token('.')] },
      finish_reason: 'stop',
    });
  });

  it('keeps the last non-null usage, wherever it arrives', () => {
    const first: Usage = { prompt_tokens: 5, completion_tokens: 1, total_tokens: 6 };
    const last: Usage = { prompt_tokens: 5, completion_tokens: 3, total_tokens: 8 };
    const accumulator = new ChatCompletionAccumulator();
    accumulator.add(chunk([delta({ content: 'a' })], { usage: first }));
    expect(accumulator.usage).toStrictEqual(first);
    accumulator.add(chunk([delta({ content: 'b' }, 0, 'stop')], { usage: last }));
    accumulator.add(chunk([], { usage: null }));
    expect(accumulator.usage).toStrictEqual(last);
    expect(accumulator.complete().usage).toStrictEqual(last);
  });

  it('uses the first role and the first id/model/created', () => {
    const completion = accumulate([
      chunk([delta({ role: 'assistant', content: 'a' })]),
      chunk([delta({ role: 'tool' as 'assistant', content: 'b' }, 0, 'stop')], {
        id: 'other',
        model: 'x',
        created: 9,
      }),
    ]);
    expect([completion.id, completion.model, completion.created]).toStrictEqual([
      'chatcmpl-1',
      'glm-5.1',
      100,
    ]);
    expect(completion.choices[0]?.message.role).toBe('assistant');
  });

  it('accumulates the legacy function_call delta like a tool call', () => {
    const completion = accumulate([
      chunk([delta({ role: 'assistant', content: null, function_call: { name: 'f', arguments: '' } })]),
      chunk([delta({ function_call: { name: 'f', arguments: '{"a":1}' } })]),
      chunk([finish('function_call')]),
    ]);
    expect(completion.choices[0]?.message.function_call).toStrictEqual({ name: 'f', arguments: '{"a":1}' });
  });

  it('skips malformed entries a lenient decoder lets through instead of failing on them', () => {
    const completion = accumulate([
      {
        ...chunk([]),
        choices: [null, 'x', delta({ role: 'assistant', content: 'a', tool_calls: 'oops' as never })],
      },
      chunk([
        { ...delta({ content: 'b', tool_calls: [null, 5] as never }), logprobs: { content: 'bad' as never } },
      ]),
      { ...chunk([]), usage: 7 },
      chunk([finish('stop')]),
    ] as unknown as ChatCompletionChunk[]);
    expect(completion.choices).toStrictEqual([
      {
        index: 0,
        message: { role: 'assistant', content: 'ab' },
        logprobs: { content: null, refusal: null },
        finish_reason: 'stop',
      },
    ]);
    expect(completion).not.toHaveProperty('usage');
  });

  it('throws stream_incomplete when nothing, or no choice, arrived', () => {
    expectIncomplete(() => new ChatCompletionAccumulator().complete(), /before any chunk/);
    const usageOnly = new ChatCompletionAccumulator();
    usageOnly.add(chunk([], { usage: { prompt_tokens: 1, completion_tokens: 0, total_tokens: 1 } }));
    expectIncomplete(() => usageOnly.complete(), /without any choice/);
  });

  it('throws stream_incomplete when any choice lacks a finish_reason', () => {
    expectIncomplete(
      () =>
        accumulate([
          chunk([delta({ content: 'a' }, 0), delta({ content: 'b' }, 1)]),
          chunk([finish('stop', 0)]),
        ]),
      /choice 1/,
    );
  });

  it('accumulateChunks takes sync and async iterables', async () => {
    const chunks = [chunk([delta({ role: 'assistant', content: 'hi' })]), chunk([finish('stop')])];
    async function* stream() {
      yield* chunks;
    }
    const fromArray = await accumulateChunks(chunks);
    expect(fromArray.choices[0]?.message.content).toBe('hi');
    expect(await accumulateChunks(stream())).toStrictEqual(fromArray);
    await expect(accumulateChunks([chunk([delta({ content: 'x' })])])).rejects.toMatchObject({
      code: 'stream_incomplete',
    });
  });
});
