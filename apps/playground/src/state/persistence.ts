import { readConversation } from './conversation-file.js';
import { type Conversation, initialData, type PlaygroundData } from './playground-state.js';

/** The parts of `localStorage` the playground uses (an interface, so tests can pass a Map-backed one). */
export type KeyValueStorage = Pick<Storage, 'getItem' | 'setItem' | 'removeItem'>;

export const STORAGE_KEYS = {
  conversations: 'switchyard.playground.conversations.v1',
  connection: 'switchyard.playground.connection.v1',
  adminKey: 'switchyard.playground.admin-key.v1',
  theme: 'switchyard.playground.theme.v1',
  enterSends: 'switchyard.playground.enter-sends.v1',
  presets: 'switchyard.playground.presets.v1',
} as const;

/** The browser's localStorage, or null where it is unavailable (private mode, sandboxed frames). */
export function browserStorage(): KeyValueStorage | null {
  try {
    const storage = globalThis.localStorage;
    storage.getItem(STORAGE_KEYS.theme);
    return storage;
  } catch {
    return null;
  }
}

/** The conversations saved in the browser; a fresh chat when there are none or they are unreadable. */
export function loadConversations(storage: KeyValueStorage | null, now: number): PlaygroundData {
  const text = storage?.getItem(STORAGE_KEYS.conversations);
  if (!text) return initialData(now);
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch {
    return initialData(now);
  }
  const stored = raw as { conversations?: unknown; activeId?: unknown };
  if (!Array.isArray(stored?.conversations)) return initialData(now);
  const conversations: Record<string, Conversation> = {};
  const order: string[] = [];
  for (const item of stored.conversations) {
    const conversation = readConversation(item, now);
    if (!conversation || conversations[conversation.id]) continue;
    conversations[conversation.id] = conversation;
    order.push(conversation.id);
  }
  if (order.length === 0) return initialData(now);
  const activeId =
    typeof stored.activeId === 'string' && conversations[stored.activeId]
      ? stored.activeId
      : (order[0] as string);
  return { conversations, order, activeId };
}

/** Saves the conversations; returns an error message when the browser refuses (quota). */
export function saveConversations(storage: KeyValueStorage | null, data: PlaygroundData): string | null {
  if (!storage) return null;
  const conversations = data.order.map((id) => data.conversations[id]).filter(Boolean);
  try {
    storage.setItem(
      STORAGE_KEYS.conversations,
      JSON.stringify({ version: 1, activeId: data.activeId, conversations }),
    );
    return null;
  } catch (error) {
    return `Conversations could not be saved in this browser: ${error instanceof Error ? error.message : String(error)}`;
  }
}

/** A small JSON value under `key`, or `fallback`. */
export function loadValue<T>(storage: KeyValueStorage | null, key: string, fallback: T): T {
  try {
    const text = storage?.getItem(key);
    return text ? (JSON.parse(text) as T) : fallback;
  } catch {
    return fallback;
  }
}

export function saveValue(storage: KeyValueStorage | null, key: string, value: unknown): void {
  try {
    if (value === null || value === undefined) storage?.removeItem(key);
    else storage?.setItem(key, JSON.stringify(value));
  } catch {
    // Settings that cannot be saved still apply for this visit.
  }
}
