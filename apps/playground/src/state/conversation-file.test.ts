import { describe, expect, it } from 'vitest';
import { defaultSettings } from './chat-settings.js';
import { exportConversations, importConversations } from './conversation-file.js';
import { activePath, addNode, emptyTree } from './conversation-tree.js';
import type { Conversation } from './playground-state.js';

function sample(): Conversation {
  let tree = emptyTree();
  const u = addNode(tree, null, { role: 'user', content: 'Hi' });
  const a = addNode(u.tree, u.id, { role: 'assistant', content: 'Hello' });
  const b = addNode(a.tree, u.id, { role: 'assistant', content: 'Hey' }, { select: false });
  tree = b.tree;
  const settings = defaultSettings('simulator/echo');
  settings.tools = [
    {
      id: 't1',
      name: 'get_weather',
      description: 'd',
      parameters: '{"type":"object"}',
      cannedResult: '{"t":1}',
    },
  ];
  return { id: 'c1', title: 'Hi', createdAt: 1, updatedAt: 2, settings, tree };
}

describe('conversation files', () => {
  it('round-trips an export, branches and selection included', () => {
    const original = sample();
    const result = importConversations(exportConversations([original]));
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    const [conversation] = result.conversations;
    expect(conversation).toEqual(original);
    expect(activePath(conversation!.tree).map((n) => n.message.content)).toEqual(['Hi', 'Hello']);
  });

  it('imports a chat-completion request body as a conversation with its settings', () => {
    const result = importConversations(
      JSON.stringify({
        model: 'simulator/thinker',
        messages: [
          { role: 'system', content: 'Be brief.' },
          { role: 'user', content: 'Weather?' },
          {
            role: 'assistant',
            content: null,
            tool_calls: [{ id: 'c', type: 'function', function: { name: 'w', arguments: '{}' } }],
          },
          { role: 'tool', tool_call_id: 'c', content: 'sunny' },
        ],
        temperature: 0.1,
        max_completion_tokens: 30,
        stop: 'END',
        thinking: { type: 'disabled' },
        tools: [{ type: 'function', function: { name: 'w', parameters: { type: 'object' } } }],
        response_format: { type: 'json_schema', json_schema: { name: 'x', schema: { type: 'object' } } },
      }),
    );
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    const [conversation] = result.conversations;
    expect(conversation?.title).toBe('Weather?');
    expect(conversation?.settings).toMatchObject({
      model: 'simulator/thinker',
      system: 'Be brief.',
      temperature: 0.1,
      maxTokens: 30,
      stop: ['END'],
      thinking: 'disabled',
      stream: false,
      responseFormat: { type: 'json_schema', name: 'x', strict: true },
    });
    expect(conversation?.settings.tools[0]).toMatchObject({
      name: 'w',
      parameters: '{\n  "type": "object"\n}',
    });
    expect(activePath(conversation!.tree).map((n) => n.message.role)).toEqual(['user', 'assistant', 'tool']);
  });

  it('drops malformed nodes and turns interrupted streams into stopped answers', () => {
    const broken = {
      id: 'c9',
      tree: {
        roots: ['u', 'bad'],
        nodes: {
          u: { id: 'u', children: ['a', 'ghost'], message: { role: 'user', content: 'Hi' } },
          a: {
            id: 'a',
            children: [],
            message: { role: 'assistant', content: 'Hel' },
            answer: { model: 'm', params: { model: 'm' }, status: 'streaming' },
          },
          bad: { id: 'bad', children: [], message: { role: 'wizard', content: 1 } },
        },
        selected: { '': 'bad', u: 'a' },
      },
    };
    const result = importConversations(JSON.stringify(broken));
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    const tree = result.conversations[0]!.tree;
    expect(Object.keys(tree.nodes).sort()).toEqual(['a', 'u']);
    expect(tree.nodes.a?.answer?.status).toBe('stopped');
    expect(tree.selected).toEqual({ u: 'a' });
    expect(result.conversations[0]?.settings).toEqual(defaultSettings());
  });

  it('explains what it cannot import', () => {
    expect(importConversations('nope')).toMatchObject({
      ok: false,
      error: expect.stringMatching(/^Not JSON/),
    });
    expect(importConversations('{"hello":1}')).toMatchObject({
      ok: false,
      error: expect.stringContaining('Expected'),
    });
    expect(importConversations('{"conversations":[1]}')).toMatchObject({ ok: false });
  });
});
