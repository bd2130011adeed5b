import { describe, expect, it } from 'vitest';
import {
  activePath,
  addNode,
  type ConversationTree,
  emptyTree,
  type TreeMessage,
} from './conversation-tree.js';
import {
  awaitsAnswer,
  cannedResultFor,
  formatArguments,
  pendingToolCalls,
  toolResultMessage,
} from './tool-turns.js';

const call = (id: string, name: string) => ({
  id,
  type: 'function' as const,
  function: { name, arguments: '{"city":"Paris"}' },
});

function build(messages: TreeMessage[]): ConversationTree {
  let tree = emptyTree();
  let parent: string | null = null;
  for (const message of messages) {
    const added: { tree: ConversationTree; id: string } = addNode(tree, parent, message);
    tree = added.tree;
    parent = added.id;
  }
  return tree;
}

const ask: TreeMessage = { role: 'user', content: 'weather and time in Paris?' };
const calls: TreeMessage = {
  role: 'assistant',
  content: null,
  tool_calls: [call('c1', 'get_weather'), call('c2', 'get_time')],
};

describe('tool-call turns', () => {
  it('lists every call of the last assistant message until tool messages answer them', () => {
    const path = activePath(build([ask, calls]));
    expect(pendingToolCalls(path).map((p) => p.call.id)).toEqual(['c1', 'c2']);
    expect(awaitsAnswer(path)).toBe(false);
    const half = activePath(build([ask, calls, toolResultMessage('c1', '{"temp":21}')]));
    expect(pendingToolCalls(half).map((p) => p.call.id)).toEqual(['c2']);
    expect(awaitsAnswer(half)).toBe(false);
  });

  it('once all calls are answered the model speaks next, and nothing is pending after it does', () => {
    const answered = [ask, calls, toolResultMessage('c1', 'sunny'), toolResultMessage('c2', '12:00')];
    const path = activePath(build(answered));
    expect(pendingToolCalls(path)).toEqual([]);
    expect(awaitsAnswer(path)).toBe(true);
    const done = activePath(build([...answered, { role: 'assistant', content: 'Sunny, noon.' }]));
    expect(pendingToolCalls(done)).toEqual([]);
    expect(awaitsAnswer(done)).toBe(false);
  });

  it('a user message after unanswered calls ends the tool turn', () => {
    expect(
      pendingToolCalls(activePath(build([ask, calls, { role: 'user', content: 'never mind' }]))),
    ).toEqual([]);
  });

  it('finds canned results by tool name and pretty-prints JSON arguments', () => {
    const tools = [
      { id: 't1', name: 'get_weather', description: '', parameters: '', cannedResult: '{"temp":21}' },
      { id: 't2', name: 'get_time', description: '', parameters: '', cannedResult: '  ' },
    ];
    expect(cannedResultFor(tools, 'get_weather')).toBe('{"temp":21}');
    expect(cannedResultFor(tools, 'get_time')).toBeUndefined();
    expect(formatArguments('{"a":1}')).toBe('{\n  "a": 1\n}');
    expect(formatArguments('{broken')).toBe('{broken');
  });
});
