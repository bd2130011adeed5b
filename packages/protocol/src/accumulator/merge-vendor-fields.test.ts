import { describe, expect, it } from 'vitest';
import type { ChatCompletion, ChatCompletionChunk } from '../schemas/index.js';
import { ChatCompletionAccumulator } from './chat-completion-accumulator.js';
import { completionToChunks } from './completion-to-chunks.js';

function chunk(delta: Record<string, unknown>, finish: string | null = null): ChatCompletionChunk {
  return {
    id: 'c1',
    object: 'chat.completion.chunk',
    created: 1,
    model: 'm',
    choices: [{ index: 0, delta, finish_reason: finish }],
  } as ChatCompletionChunk;
}

describe('vendor fields in streams', () => {
  it('carries signed reasoning details and tool-call thought signatures into the completion', () => {
    const acc = new ChatCompletionAccumulator();
    acc.add(chunk({ role: 'assistant', content: '' }));
    acc.add(
      chunk({ reasoning_content: 'Let me', reasoning_details: [{ type: 'reasoning.text', text: 'Let me' }] }),
    );
    acc.add(chunk({ reasoning_details: [{ type: 'reasoning.text', signature: 'sig==' }] }));
    acc.add(
      chunk({
        tool_calls: [
          {
            index: 0,
            id: 'call_1',
            type: 'function',
            function: { name: 'now', arguments: '' },
            extra_content: { google: { thought_signature: 'abc' } },
          },
        ],
      }),
    );
    acc.add(chunk({ tool_calls: [{ index: 0, function: { arguments: '{}' } }] }, 'tool_calls'));
    const message = acc.complete().choices[0]?.message as Record<string, unknown>;
    expect(message.reasoning_details).toStrictEqual([
      { type: 'reasoning.text', text: 'Let me' },
      { type: 'reasoning.text', signature: 'sig==' },
    ]);
    expect(message.tool_calls).toStrictEqual([
      {
        id: 'call_1',
        type: 'function',
        function: { name: 'now', arguments: '{}' },
        extra_content: { google: { thought_signature: 'abc' } },
      },
    ]);
  });

  it('merges object fields key by key and appends string fields, ignoring __proto__', () => {
    const acc = new ChatCompletionAccumulator();
    acc.add(chunk({ role: 'assistant', content: 'a', extra_content: { google: { a: 1 } }, note: 'x' }));
    acc.add(
      chunk(
        { extra_content: { google: { b: 2 } }, note: 'y', ['__proto__' as string]: { polluted: true } },
        'stop',
      ),
    );
    const message = acc.complete().choices[0]?.message as Record<string, unknown>;
    expect(message.extra_content).toStrictEqual({ google: { a: 1, b: 2 } });
    expect(message.note).toBe('xy');
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  it('round-trips vendor fields through completionToChunks', () => {
    const completion = {
      id: 'c1',
      object: 'chat.completion',
      created: 1,
      model: 'm',
      choices: [
        {
          index: 0,
          message: {
            role: 'assistant',
            content: null,
            reasoning_details: [{ type: 'reasoning.encrypted', data: 'xyz' }],
            tool_calls: [
              {
                id: 'call_9',
                type: 'function',
                function: { name: 'f', arguments: '{"a":1}' },
                extra_content: { google: { thought_signature: 's' } },
              },
            ],
          },
          logprobs: null,
          finish_reason: 'tool_calls',
        },
      ],
    } as unknown as ChatCompletion;
    const acc = new ChatCompletionAccumulator();
    for (const c of completionToChunks(completion)) acc.add(c);
    expect(acc.complete()).toStrictEqual(completion);
  });
});
