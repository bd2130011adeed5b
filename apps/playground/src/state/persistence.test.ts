import { describe, expect, it } from 'vitest';
import { addNode } from './conversation-tree.js';
import {
  type KeyValueStorage,
  loadConversations,
  loadValue,
  STORAGE_KEYS,
  saveConversations,
  saveValue,
} from './persistence.js';
import { initialData, playgroundReducer } from './playground-state.js';

function memoryStorage(limit = Number.POSITIVE_INFINITY): KeyValueStorage & { map: Map<string, string> } {
  const map = new Map<string, string>();
  return {
    map,
    getItem: (key) => map.get(key) ?? null,
    setItem: (key, value) => {
      if (value.length > limit) throw new Error('QuotaExceededError');
      map.set(key, value);
    },
    removeItem: (key) => void map.delete(key),
  };
}

describe('persistence', () => {
  it('saves and restores conversations, their order and the open one', () => {
    const storage = memoryStorage();
    let data = initialData(1);
    data = playgroundReducer(data, { type: 'new', id: 'second', now: 2 });
    const first = data.order[1]!;
    data = playgroundReducer(data, { type: 'open', id: first });
    const tree = addNode(data.conversations[first]!.tree, null, { role: 'user', content: 'kept' }).tree;
    data = {
      ...data,
      conversations: { ...data.conversations, [first]: { ...data.conversations[first]!, tree } },
    };
    expect(saveConversations(storage, data)).toBeNull();
    const restored = loadConversations(storage, 3);
    expect(restored).toEqual(data);
  });

  it('starts fresh on missing or corrupt data, and reports a full storage', () => {
    const storage = memoryStorage(10);
    expect(loadConversations(storage, 1).order).toHaveLength(1);
    storage.map.set(STORAGE_KEYS.conversations, '{not json');
    expect(loadConversations(storage, 1).order).toHaveLength(1);
    storage.map.set(STORAGE_KEYS.conversations, '{"conversations":"nope"}');
    expect(loadConversations(storage, 1).order).toHaveLength(1);
    expect(saveConversations(storage, initialData(1))).toMatch(/could not be saved.*QuotaExceededError/);
    expect(loadConversations(null, 1).order).toHaveLength(1);
  });

  it('stores small values and forgets them when set to null', () => {
    const storage = memoryStorage();
    saveValue(storage, STORAGE_KEYS.theme, 'dark');
    expect(loadValue(storage, STORAGE_KEYS.theme, 'light')).toBe('dark');
    saveValue(storage, STORAGE_KEYS.theme, null);
    expect(loadValue(storage, STORAGE_KEYS.theme, 'light')).toBe('light');
  });
});
