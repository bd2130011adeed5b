import { describe, expect, it } from 'vitest';
import type { AnswerStatus } from './answer-info.js';
import { answerInfo } from './answer-info-fixture.js';
import type { TreeMessage, TreeNode } from './conversation-tree.js';
import { sentHistory } from './sent-history.js';

let next = 0;
function node(message: TreeMessage, status?: AnswerStatus): TreeNode {
  return {
    id: `n${next++}`,
    parent: null,
    children: [],
    message,
    ...(status ? { answer: answerInfo({ status }) } : {}),
  };
}
const user = (content: string) => node({ role: 'user', content });
const assistant = (content: string, status: AnswerStatus) => node({ role: 'assistant', content }, status);

describe('sentHistory', () => {
  it('leaves out failed turns: the empty answer and the prompt it failed on', () => {
    const path = [
      user('hello'),
      assistant('hi', 'done'),
      user('rate limited'),
      assistant('', 'error'),
      user('server error'),
      assistant('', 'error'),
      user('next'),
    ];
    expect(sentHistory(path)).toEqual([
      { role: 'user', content: 'hello' },
      { role: 'assistant', content: 'hi' },
      { role: 'user', content: 'next' },
    ]);
  });

  it('keeps a prompt whose branch ends on it (a retry), and a partial stopped answer', () => {
    expect(sentHistory([user('retry me')])).toEqual([{ role: 'user', content: 'retry me' }]);
    expect(sentHistory([user('a'), assistant('part', 'stopped'), user('b')])).toHaveLength(3);
  });

  it('leaves out an answer stopped before its first token, keeping the prompt', () => {
    expect(sentHistory([user('a'), assistant('', 'stopped'), user('b')])).toEqual([
      { role: 'user', content: 'a' },
      { role: 'user', content: 'b' },
    ]);
  });

  it('keeps tool results before a failed continuation (their calls need them)', () => {
    const call = { id: 'c1', type: 'function' as const, function: { name: 'f', arguments: '{}' } };
    const path = [
      user('q'),
      node({ role: 'assistant', content: null, tool_calls: [call] }, 'done'),
      node({ role: 'tool', tool_call_id: 'c1', content: 'r' }),
      assistant('', 'error'),
    ];
    expect(sentHistory(path).map((m) => m.role)).toEqual(['user', 'assistant', 'tool']);
  });
});
