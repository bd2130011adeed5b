import type { ChatCompletionRequest } from '@switchyard/protocol';
import { describe, expect, it } from 'vitest';
import { estimatePromptTokens } from './estimate-prompt-tokens.js';

const PANGRAMS = 'the quick brown fox jumps over the lazy dog '.repeat(10);
const request = (messages: unknown[]) => ({ model: 'm', messages }) as unknown as ChatCompletionRequest;

describe('estimatePromptTokens', () => {
  it('counts the tool calls of assistant messages', () => {
    const plain = estimatePromptTokens(request([{ role: 'assistant', content: null }]));
    const withCall = estimatePromptTokens(
      request([
        {
          role: 'assistant',
          content: null,
          tool_calls: [
            {
              id: 'c',
              type: 'function',
              function: { name: 'lookup', arguments: JSON.stringify({ q: PANGRAMS }) },
            },
          ],
        },
      ]),
    );
    // 440 characters of English words: about 90 tokens whatever the tokenizer.
    expect(withCall - plain).toBeGreaterThanOrEqual(50);
  });

  it('ignores tool_calls of any other shape (found by fuzzing: it was a 500)', () => {
    for (const toolCalls of [true, 1, 'x', {}, [null], [{ function: { name: 3, arguments: {} } }]]) {
      expect(estimatePromptTokens(request([{ role: 'system', content: 'hi', tool_calls: toolCalls }]))).toBe(
        estimatePromptTokens(request([{ role: 'system', content: 'hi' }])),
      );
    }
  });
});
