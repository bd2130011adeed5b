import type { AnswerInfo } from './answer-info.js';
import {
  type ChatSettings,
  defaultSettings,
  RESPONSE_FORMAT_TYPES,
  THINKING_MODES,
  TOOL_CHOICES,
  type ToolDefinition,
} from './chat-settings.js';
import { addNode, type ConversationTree, emptyTree, type TreeMessage } from './conversation-tree.js';
import { createId } from './create-id.js';
import { type Conversation, titleFrom, UNTITLED } from './playground-state.js';

/** The `format` of a playground export file. */
export const FILE_FORMAT = 'switchyard-playground';

type Json = Record<string, unknown>;

function isObject(value: unknown): value is Json {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

const str = (value: unknown, fallback = ''): string => (typeof value === 'string' ? value : fallback);
const num = (value: unknown): number | null =>
  typeof value === 'number' && Number.isFinite(value) ? value : null;
const oneOf = <T extends string>(value: unknown, allowed: readonly T[], fallback: T): T =>
  (allowed as readonly unknown[]).includes(value) ? (value as T) : fallback;
const jsonText = (value: unknown): string =>
  typeof value === 'string' ? value : value === undefined ? '' : JSON.stringify(value, null, 2);

/** An export file of the given conversations. */
export function exportConversations(conversations: readonly Conversation[], now = Date.now()): string {
  return `${JSON.stringify(
    { format: FILE_FORMAT, version: 1, exported_at: new Date(now).toISOString(), conversations },
    null,
    2,
  )}\n`;
}

function readTool(raw: unknown): ToolDefinition | null {
  if (!isObject(raw)) return null;
  return {
    id: str(raw.id) || createId('t'),
    name: str(raw.name),
    description: str(raw.description),
    parameters: jsonText(raw.parameters),
    cannedResult: jsonText(raw.cannedResult),
  };
}

/** Settings from stored or imported data: known fields of the right type, defaults for the rest. */
export function readSettings(raw: unknown): ChatSettings {
  const settings = defaultSettings();
  if (!isObject(raw)) return settings;
  const format = isObject(raw.responseFormat) ? raw.responseFormat : {};
  return {
    model: str(raw.model),
    compare: raw.compare === true,
    compareModels: Array.isArray(raw.compareModels)
      ? raw.compareModels.filter((m) => typeof m === 'string')
      : [],
    system: str(raw.system),
    temperature: num(raw.temperature),
    topP: num(raw.topP),
    maxTokens: num(raw.maxTokens),
    seed: num(raw.seed),
    stop: Array.isArray(raw.stop) ? raw.stop.filter((s): s is string => typeof s === 'string') : [],
    thinking: oneOf(raw.thinking, THINKING_MODES, 'unset'),
    tools: Array.isArray(raw.tools)
      ? raw.tools.map(readTool).filter((t): t is ToolDefinition => t !== null)
      : [],
    toolChoice: oneOf(raw.toolChoice, TOOL_CHOICES, 'auto'),
    responseFormat: {
      type: oneOf(format.type, RESPONSE_FORMAT_TYPES, 'text'),
      name: str(format.name, settings.responseFormat.name),
      schema: format.schema === undefined ? settings.responseFormat.schema : jsonText(format.schema),
      strict: format.strict !== false,
    },
    stream: raw.stream !== false,
  };
}

function readMessage(raw: unknown): TreeMessage | null {
  if (!isObject(raw)) return null;
  const content = raw.content;
  const contentOk = typeof content === 'string' || Array.isArray(content);
  if (raw.role === 'user') return contentOk ? (raw as TreeMessage) : null;
  if (raw.role === 'tool')
    return contentOk && typeof raw.tool_call_id === 'string' ? (raw as TreeMessage) : null;
  if (raw.role === 'assistant') {
    const calls = raw.tool_calls;
    if (calls !== undefined && calls !== null && !Array.isArray(calls)) return null;
    if (!contentOk && !(content === null && Array.isArray(calls) && calls.length > 0)) return null;
    return raw as TreeMessage;
  }
  return null;
}

function readAnswer(raw: unknown): AnswerInfo | undefined {
  if (!isObject(raw) || typeof raw.model !== 'string' || !isObject(raw.params)) return undefined;
  const answer = raw as unknown as AnswerInfo;
  // A stream cannot survive a reload: what was saved of it is a stopped answer.
  return {
    ...answer,
    status: answer.status === 'streaming' ? 'stopped' : answer.status,
    system: str(raw.system),
    compareGroup: typeof raw.compareGroup === 'string' ? raw.compareGroup : null,
    edited: raw.edited === true,
  };
}

/** Rebuilds a tree from stored data, dropping nodes that are malformed or unreachable. */
function readTree(raw: unknown): ConversationTree {
  if (!isObject(raw) || !isObject(raw.nodes) || !Array.isArray(raw.roots)) return emptyTree();
  const nodes = raw.nodes;
  let tree = emptyTree();
  const visit = (id: unknown, parent: string | null) => {
    if (typeof id !== 'string' || tree.nodes[id]) return;
    const node = nodes[id];
    if (!isObject(node)) return;
    const message = readMessage(node.message);
    if (!message) return;
    const answer = readAnswer(node.answer);
    tree = addNode(tree, parent, message, { id, select: false, ...(answer ? { answer } : {}) }).tree;
    if (Array.isArray(node.children)) for (const child of node.children) visit(child, id);
  };
  for (const id of raw.roots) visit(id, null);
  const selected: Record<string, string> = {};
  if (isObject(raw.selected)) {
    for (const [parent, child] of Object.entries(raw.selected)) {
      if (typeof child === 'string' && tree.nodes[child]?.parent === (parent === '' ? null : parent)) {
        selected[parent] = child;
      }
    }
  }
  return { ...tree, selected };
}

/** A conversation from stored or imported data, or null when it is not one. */
export function readConversation(raw: unknown, now: number): Conversation | null {
  if (!isObject(raw) || !isObject(raw.tree)) return null;
  return {
    id: str(raw.id) || createId('c'),
    title: str(raw.title, UNTITLED) || UNTITLED,
    createdAt: num(raw.createdAt) ?? now,
    updatedAt: num(raw.updatedAt) ?? now,
    settings: readSettings(raw.settings),
    tree: readTree(raw.tree),
  };
}

function textOf(content: unknown): string {
  if (typeof content === 'string') return content;
  if (!Array.isArray(content)) return '';
  return content.map((part) => (isObject(part) && typeof part.text === 'string' ? part.text : '')).join('\n');
}

/** Settings and conversation from a chat-completion request body (e.g. copied from a curl command). */
export function conversationFromRequest(request: Json, now: number): Conversation {
  const settings = defaultSettings(str(request.model));
  settings.temperature = num(request.temperature);
  settings.topP = num(request.top_p);
  settings.maxTokens = num(request.max_tokens) ?? num(request.max_completion_tokens);
  settings.seed = num(request.seed);
  settings.stop =
    typeof request.stop === 'string'
      ? [request.stop]
      : Array.isArray(request.stop)
        ? request.stop.filter((s): s is string => typeof s === 'string')
        : [];
  if (isObject(request.thinking)) settings.thinking = oneOf(request.thinking.type, THINKING_MODES, 'unset');
  settings.stream = request.stream === true;
  if (Array.isArray(request.tools)) {
    settings.tools = request.tools.flatMap((tool) => {
      const fn = isObject(tool) && isObject(tool.function) ? tool.function : null;
      if (!fn) return [];
      return [
        {
          id: createId('t'),
          name: str(fn.name),
          description: str(fn.description),
          parameters: fn.parameters === undefined ? '' : JSON.stringify(fn.parameters, null, 2),
          cannedResult: '',
        },
      ];
    });
  }
  settings.toolChoice = oneOf(request.tool_choice, TOOL_CHOICES, 'auto');
  const format = isObject(request.response_format) ? request.response_format : null;
  if (format?.type === 'json_object') settings.responseFormat.type = 'json_object';
  if (format?.type === 'json_schema' && isObject(format.json_schema)) {
    settings.responseFormat = {
      type: 'json_schema',
      name: str(format.json_schema.name, 'answer'),
      schema: JSON.stringify(format.json_schema.schema ?? {}, null, 2),
      strict: format.json_schema.strict !== false,
    };
  }
  let tree = emptyTree();
  let parent: string | null = null;
  let title = UNTITLED;
  for (const raw of Array.isArray(request.messages) ? request.messages : []) {
    if (isObject(raw) && (raw.role === 'system' || raw.role === 'developer')) {
      settings.system = settings.system
        ? `${settings.system}\n\n${textOf(raw.content)}`
        : textOf(raw.content);
      continue;
    }
    const message = readMessage(raw);
    if (!message) continue;
    if (title === UNTITLED && message.role === 'user') title = titleFrom(textOf(message.content));
    const added: { tree: ConversationTree; id: string } = addNode(tree, parent, message);
    tree = added.tree;
    parent = added.id;
  }
  return { id: createId('c'), title, createdAt: now, updatedAt: now, settings, tree };
}

export type ImportResult = { ok: true; conversations: Conversation[] } | { ok: false; error: string };

/**
 * Reads an import: a playground export file, one exported conversation, or a chat-completion
 * request body (`{ model, messages }`).
 */
export function importConversations(text: string, now = Date.now()): ImportResult {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (error) {
    return { ok: false, error: `Not JSON: ${error instanceof Error ? error.message : String(error)}` };
  }
  if (isObject(raw) && Array.isArray(raw.conversations)) {
    const conversations = raw.conversations
      .map((c) => readConversation(c, now))
      .filter((c): c is Conversation => c !== null);
    return conversations.length > 0
      ? { ok: true, conversations }
      : { ok: false, error: 'The file holds no readable conversation.' };
  }
  if (isObject(raw) && isObject(raw.tree)) {
    const conversation = readConversation(raw, now);
    if (conversation) return { ok: true, conversations: [conversation] };
  }
  if (isObject(raw) && Array.isArray(raw.messages))
    return { ok: true, conversations: [conversationFromRequest(raw, now)] };
  return {
    ok: false,
    error:
      'Expected a playground export ({"format":"switchyard-playground",…}) or a request body ({"model","messages"}).',
  };
}
