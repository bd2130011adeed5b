import type { ChatCompletionRequest } from '@switchyard/protocol';
import { describe, expect, it } from 'vitest';
import { estimatePromptTokens } from './estimate-prompt-tokens.js';

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
            { id: 'c', type: 'function', function: { name: 'lookup', arguments: '{"q":"x".repeat(40)}' } },
          ],
        },
      ]),
    );
    expect(withCall).toBeGreaterThan(plain);
  });

  it('ignores tool_calls of any other shape (found by fuzzing: it was a 500)', () => {
    for (const toolCalls of [true, 1, 'x', {}, [null], [{ function: { name: 3, arguments: {} } }]]) {
      expect(
        estimatePromptTokens(request([{ role: 'system', content: '', tool_calls: toolCalls }])),
      ).toBeGreaterThan(0);
    }
  });
});
