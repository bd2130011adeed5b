import type { ChatCompletionChunk } from '@switchyard/protocol';
import { describe, expect, it } from 'vitest';
import { applyChunk, emptyLiveAnswer, liveToMessage } from './live-answer.js';

const chunk = (
  delta: Record<string, unknown>,
  extra: Partial<ChatCompletionChunk> = {},
  finish: string | null = null,
) =>
  ({
    id: 'c',
    object: 'chat.completion.chunk',
    created: 1,
    model: 'simulator/thinker',
    choices: [{ index: 0, delta, finish_reason: finish }],
    ...extra,
  }) as ChatCompletionChunk;

describe('live answer', () => {
  it('keeps reasoning apart from content and notes when the first token came', () => {
    const live = emptyLiveAnswer();
    applyChunk(live, chunk({ role: 'assistant' }), 5);
    expect(live.firstTokenAt).toBeNull();
    applyChunk(live, chunk({ reasoning_content: 'Let me think. ' }), 10);
    applyChunk(live, chunk({ content: 'Hello' }), 20);
    applyChunk(live, chunk({ content: ' world' }, {}, 'stop'), 30);
    applyChunk(
      live,
      {
        ...chunk({}),
        choices: [],
        usage: { prompt_tokens: 5, completion_tokens: 7, total_tokens: 12, cost: 0.001 },
      },
      40,
    );
    expect(live).toMatchObject({
      content: 'Hello world',
      reasoning: 'Let me think. ',
      finishReason: 'stop',
      firstTokenAt: 10,
      responseModel: 'simulator/thinker',
      usage: { completion_tokens: 7, cost: 0.001 },
    });
    expect(liveToMessage(live)).toEqual({
      role: 'assistant',
      content: 'Hello world',
      reasoning_content: 'Let me think. ',
    });
  });

  it('merges tool-call fragments by index, and by id when the index is missing', () => {
    const live = emptyLiveAnswer();
    applyChunk(
      live,
      chunk({
        tool_calls: [
          { index: 0, id: 'call_a', type: 'function', function: { name: 'get_weather', arguments: '' } },
        ],
      }),
      1,
    );
    applyChunk(
      live,
      chunk({ tool_calls: [{ index: 1, id: 'call_b', function: { name: 'get_time', arguments: '{}' } }] }),
      2,
    );
    applyChunk(live, chunk({ tool_calls: [{ index: 0, function: { arguments: '{"city":' } }] }), 3);
    applyChunk(
      live,
      chunk({ tool_calls: [{ index: 0, function: { arguments: '"Paris"}' } }] }, {}, 'tool_calls'),
      4,
    );
    expect(liveToMessage(live)).toEqual({
      role: 'assistant',
      content: null,
      tool_calls: [
        { id: 'call_a', type: 'function', function: { name: 'get_weather', arguments: '{"city":"Paris"}' } },
        { id: 'call_b', type: 'function', function: { name: 'get_time', arguments: '{}' } },
      ],
    });
    const gemini = emptyLiveAnswer();
    applyChunk(gemini, chunk({ tool_calls: [{ id: 'x', function: { name: 'a', arguments: '{"q":' } }] }), 1);
    applyChunk(gemini, chunk({ tool_calls: [{ function: { arguments: '1}' } }] }), 2);
    applyChunk(gemini, chunk({ tool_calls: [{ id: 'y', function: { name: 'b', arguments: '{}' } }] }), 3);
    expect(gemini.toolCalls.map((c) => [c.id, c.function.arguments])).toEqual([
      ['x', '{"q":1}'],
      ['y', '{}'],
    ]);
  });

  it('ignores other choices and keeps a refusal', () => {
    const live = emptyLiveAnswer();
    applyChunk(
      live,
      { ...chunk({}), choices: [{ index: 1, delta: { content: 'other' }, finish_reason: null }] },
      1,
    );
    applyChunk(live, chunk({ refusal: 'I cannot help with that.' }), 2);
    expect(liveToMessage(live)).toEqual({
      role: 'assistant',
      content: '',
      refusal: 'I cannot help with that.',
    });
  });
});
