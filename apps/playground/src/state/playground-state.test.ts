import { describe, expect, it } from 'vitest';
import { answerInfo } from './answer-info-fixture.js';
import { defaultSettings } from './chat-settings.js';
import { activePath } from './conversation-tree.js';
import {
  initialData,
  newConversation,
  type PlaygroundData,
  playgroundReducer,
  titleFrom,
} from './playground-state.js';

function start(): { data: PlaygroundData; id: string } {
  const data = initialData(1);
  return { data, id: data.activeId };
}

describe('playground reducer', () => {
  it('titles a chat after its first message and streams an answer into it', () => {
    let { data, id } = start();
    data = playgroundReducer(data, {
      type: 'add-message',
      id,
      parent: null,
      nodeId: 'u1',
      message: { role: 'user', content: 'What is   the capital of France?' },
      now: 2,
    });
    data = playgroundReducer(data, {
      type: 'start-answer',
      id,
      parent: 'u1',
      nodeId: 'a1',
      answer: answerInfo({ status: 'streaming' }),
      select: true,
      now: 3,
    });
    data = playgroundReducer(data, {
      type: 'update-answer',
      id,
      nodeId: 'a1',
      message: { role: 'assistant', content: 'Par' },
      answer: {},
    });
    data = playgroundReducer(data, {
      type: 'update-answer',
      id,
      nodeId: 'a1',
      message: { role: 'assistant', content: 'Paris' },
      answer: { status: 'done', finishReason: 'stop' },
    });
    const conversation = data.conversations[id]!;
    expect(conversation.title).toBe('What is the capital of France?');
    expect(conversation.updatedAt).toBe(3);
    expect(activePath(conversation.tree).map((n) => [n.message.content, n.answer?.status])).toEqual([
      ['What is   the capital of France?', undefined],
      ['Paris', 'done'],
    ]);
  });

  it('starts a new chat with the settings of the current one, newest first', () => {
    let { data, id } = start();
    data = playgroundReducer(data, {
      type: 'settings',
      id,
      patch: { model: 'simulator/thinker', temperature: 0.3 },
    });
    data = playgroundReducer(data, { type: 'new', id: 'c2', now: 5 });
    expect(data.activeId).toBe('c2');
    expect(data.order).toEqual(['c2', id]);
    expect(data.conversations.c2?.settings).toMatchObject({ model: 'simulator/thinker', temperature: 0.3 });
    data = playgroundReducer(data, { type: 'settings', id: 'c2', patch: { temperature: 1 } });
    expect(data.conversations[id]?.settings.temperature).toBe(0.3);
  });

  it('deleting the open chat opens its neighbour; deleting the last leaves a fresh one', () => {
    let { data, id } = start();
    data = playgroundReducer(data, { type: 'new', id: 'c2', now: 5 });
    data = playgroundReducer(data, { type: 'delete', id: 'c2', now: 6 });
    expect(data.activeId).toBe(id);
    data = playgroundReducer(data, { type: 'delete', id, now: 7 });
    expect(data.order).toHaveLength(1);
    expect(data.activeId).not.toBe(id);
  });

  it('branches a conversation into a new chat up to a message', () => {
    let { data, id } = start();
    data = playgroundReducer(data, {
      type: 'add-message',
      id,
      parent: null,
      nodeId: 'u1',
      message: { role: 'user', content: 'one' },
      now: 2,
    });
    data = playgroundReducer(data, {
      type: 'add-message',
      id,
      parent: 'u1',
      nodeId: 'u2',
      message: { role: 'user', content: 'two' },
      now: 3,
    });
    data = playgroundReducer(data, { type: 'branch', id, nodeId: 'u1', newId: 'b1', now: 4 });
    expect(data.activeId).toBe('b1');
    expect(data.conversations.b1?.title).toBe('Branch: one');
    expect(activePath(data.conversations.b1!.tree).map((n) => n.message.content)).toEqual(['one']);
    expect(activePath(data.conversations[id]!.tree)).toHaveLength(2);
  });

  it('imports conversations under fresh ids when theirs are taken', () => {
    const { data, id } = start();
    const clash = { ...newConversation(9, defaultSettings('m'), id), title: 'Imported' };
    const next = playgroundReducer(data, { type: 'import', conversations: [clash] });
    expect(next.order).toHaveLength(2);
    expect(next.activeId).not.toBe(id);
    expect(next.conversations[next.activeId]?.title).toBe('Imported');
  });

  it('keeps titles short', () => {
    expect(titleFrom('  ')).toBe('New chat');
    expect(titleFrom('x'.repeat(100))).toHaveLength(48);
  });
});
