import type { AnswerInfo } from './answer-info.js';
import { type ChatSettings, defaultSettings } from './chat-settings.js';
import {
  addNode,
  type ConversationTree,
  copyPath,
  editNode,
  emptyTree,
  removeNode,
  selectNode,
  type TreeMessage,
  updateNode,
} from './conversation-tree.js';
import { createId } from './create-id.js';

export interface Conversation {
  id: string;
  title: string;
  createdAt: number;
  updatedAt: number;
  settings: ChatSettings;
  tree: ConversationTree;
}

/** Every conversation (newest first in `order`) and the one being shown. */
export interface PlaygroundData {
  conversations: Record<string, Conversation>;
  order: string[];
  activeId: string;
}

export type PlaygroundAction =
  | { type: 'new'; id?: string; settings?: ChatSettings; now: number }
  | { type: 'open'; id: string }
  | { type: 'delete'; id: string; now: number }
  | { type: 'rename'; id: string; title: string }
  | { type: 'settings'; id: string; patch: Partial<ChatSettings> }
  | {
      type: 'add-message';
      id: string;
      parent: string | null;
      nodeId: string;
      message: TreeMessage;
      now: number;
    }
  | {
      type: 'start-answer';
      id: string;
      parent: string | null;
      nodeId: string;
      answer: AnswerInfo;
      select: boolean;
      now: number;
    }
  | { type: 'update-answer'; id: string; nodeId: string; message: TreeMessage; answer: Partial<AnswerInfo> }
  | {
      type: 'edit-message';
      id: string;
      nodeId: string;
      message: TreeMessage;
      mode: 'replace' | 'branch';
      /** The id of the branch copy (mode `branch`). */
      newId?: string;
      now: number;
    }
  | { type: 'delete-message'; id: string; nodeId: string; now: number }
  | { type: 'select-message'; id: string; nodeId: string }
  | { type: 'branch'; id: string; nodeId: string; newId: string; now: number }
  | { type: 'import'; conversations: Conversation[] };

export const UNTITLED = 'New chat';

export function newConversation(now: number, settings = defaultSettings(), id = createId('c')): Conversation {
  return { id, title: UNTITLED, createdAt: now, updatedAt: now, settings, tree: emptyTree() };
}

export function initialData(now: number): PlaygroundData {
  const conversation = newConversation(now);
  return {
    conversations: { [conversation.id]: conversation },
    order: [conversation.id],
    activeId: conversation.id,
  };
}

/** A title from the first words of the first user message. */
export function titleFrom(text: string): string {
  const words = text.replace(/\s+/g, ' ').trim();
  if (!words) return UNTITLED;
  return words.length > 48 ? `${words.slice(0, 47).trimEnd()}…` : words;
}

function messageText(message: TreeMessage): string {
  const { content } = message;
  if (typeof content === 'string') return content;
  if (!Array.isArray(content)) return '';
  return content.map((part) => ('text' in part && typeof part.text === 'string' ? part.text : '')).join(' ');
}

function change(
  data: PlaygroundData,
  id: string,
  update: (conversation: Conversation) => Conversation,
): PlaygroundData {
  const conversation = data.conversations[id];
  if (!conversation) return data;
  const next = update(conversation);
  if (next === conversation) return data;
  return { ...data, conversations: { ...data.conversations, [id]: next } };
}

/** Moves a conversation to the top of the list (it was just used). */
function touch(data: PlaygroundData, id: string): PlaygroundData {
  if (data.order[0] === id) return data;
  return { ...data, order: [id, ...data.order.filter((other) => other !== id)] };
}

function withTree(conversation: Conversation, tree: ConversationTree, now?: number): Conversation {
  return { ...conversation, tree, updatedAt: now ?? conversation.updatedAt };
}

/** The playground's state transitions; pure, so the UI and the tests share them. */
export function playgroundReducer(data: PlaygroundData, action: PlaygroundAction): PlaygroundData {
  switch (action.type) {
    case 'new': {
      const current = data.conversations[data.activeId];
      // Keep the model and settings of the chat being left: a new chat is usually "the same, again".
      const settings = action.settings ?? (current ? structuredClone(current.settings) : defaultSettings());
      const conversation = newConversation(action.now, settings, action.id);
      return {
        conversations: { ...data.conversations, [conversation.id]: conversation },
        order: [conversation.id, ...data.order],
        activeId: conversation.id,
      };
    }
    case 'open':
      return data.conversations[action.id] ? { ...data, activeId: action.id } : data;
    case 'delete': {
      if (!data.conversations[action.id]) return data;
      const conversations = { ...data.conversations };
      delete conversations[action.id];
      const order = data.order.filter((id) => id !== action.id);
      if (order.length === 0) return initialData(action.now);
      const index = data.order.indexOf(action.id);
      const activeId =
        data.activeId === action.id ? (order[Math.min(index, order.length - 1)] as string) : data.activeId;
      return { conversations, order, activeId };
    }
    case 'rename':
      return change(data, action.id, (c) => ({ ...c, title: action.title.trim() || UNTITLED }));
    case 'settings':
      return change(data, action.id, (c) => ({ ...c, settings: { ...c.settings, ...action.patch } }));
    case 'add-message': {
      const next = change(data, action.id, (c) => {
        const { tree } = addNode(c.tree, action.parent, action.message, { id: action.nodeId });
        const title =
          c.title === UNTITLED && action.message.role === 'user'
            ? titleFrom(messageText(action.message))
            : c.title;
        return { ...withTree(c, tree, action.now), title };
      });
      return touch(next, action.id);
    }
    case 'start-answer': {
      const next = change(data, action.id, (c) => {
        const message: TreeMessage = { role: 'assistant', content: '' };
        const { tree } = addNode(c.tree, action.parent, message, {
          id: action.nodeId,
          answer: action.answer,
          select: action.select,
        });
        return withTree(c, tree, action.now);
      });
      return touch(next, action.id);
    }
    case 'update-answer':
      return change(data, action.id, (c) => {
        const node = c.tree.nodes[action.nodeId];
        if (!node?.answer) return c;
        const answer = { ...node.answer, ...action.answer };
        return withTree(c, updateNode(c.tree, action.nodeId, { message: action.message, answer }));
      });
    case 'edit-message':
      return change(data, action.id, (c) =>
        withTree(
          c,
          editNode(c.tree, action.nodeId, action.message, action.mode, action.newId).tree,
          action.now,
        ),
      );
    case 'delete-message':
      return change(data, action.id, (c) => withTree(c, removeNode(c.tree, action.nodeId), action.now));
    case 'select-message':
      return change(data, action.id, (c) => withTree(c, selectNode(c.tree, action.nodeId)));
    case 'branch': {
      const source = data.conversations[action.id];
      if (!source?.tree.nodes[action.nodeId]) return data;
      const conversation: Conversation = {
        id: action.newId,
        // The mark goes first: a long title is cut at its end in the sidebar.
        title: `Branch: ${source.title}`,
        createdAt: action.now,
        updatedAt: action.now,
        settings: structuredClone(source.settings),
        tree: copyPath(source.tree, action.nodeId),
      };
      return {
        conversations: { ...data.conversations, [conversation.id]: conversation },
        order: [conversation.id, ...data.order],
        activeId: conversation.id,
      };
    }
    case 'import': {
      if (action.conversations.length === 0) return data;
      const conversations = { ...data.conversations };
      const added: string[] = [];
      for (const imported of action.conversations) {
        const id = conversations[imported.id] ? createId('c') : imported.id;
        conversations[id] = { ...imported, id };
        added.push(id);
      }
      return {
        conversations,
        order: [...added, ...data.order.filter((id) => !added.includes(id))],
        activeId: added[0] as string,
      };
    }
  }
}
