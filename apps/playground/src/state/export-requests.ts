import type { ChatCompletionRequest } from '@switchyard/protocol';
import { buildParams, composeRequest } from './build-request.js';
import { activePath, pathTo, type TreeMessage, type TreeNode } from './conversation-tree.js';
import type { Conversation } from './playground-state.js';
import { sentHistory } from './sent-history.js';

/** One request the export dialog can show, and what it is. */
export interface ExportChoice {
  /** Short name, for the dialog's tabs. */
  label: string;
  /** Which request this is, in a sentence. */
  note: string;
  request: ChatCompletionRequest;
}

/** The request that produced an answer, exactly as it was sent. */
export function answerRequest(conversation: Conversation, node: TreeNode): ChatCompletionRequest | null {
  if (!node.answer) return null;
  const before = node.parent === null ? [] : sentHistory(pathTo(conversation.tree, node.parent));
  return composeRequest(node.answer.params, node.answer.system, before);
}

/** The request the current settings make for `messages`. */
export function settingsRequest(
  conversation: Conversation,
  messages: readonly TreeMessage[],
): ChatCompletionRequest {
  return composeRequest(buildParams(conversation.settings), conversation.settings.system, messages);
}

/**
 * What the chat's "Export request" offers: the last request sent (the one behind the newest answer
 * of the open branch), then the request Send would make now, with the composer's draft.
 */
export function chatExportChoices(conversation: Conversation, draft: string): ExportChoice[] {
  const path = activePath(conversation.tree);
  const choices: ExportChoice[] = [];
  const answered = path.findLast((node) => node.answer && node.answer.status !== 'streaming');
  const last = answered ? answerRequest(conversation, answered) : null;
  if (answered?.answer && last) {
    choices.push({
      label: 'Last request sent',
      note: `The last request sent (${new Date(answered.answer.startedAt).toLocaleTimeString()}, ${answered.answer.model}): exactly the body the playground sent.`,
      request: last,
    });
  }
  const messages = sentHistory(path);
  if (draft.trim()) messages.push({ role: 'user', content: draft });
  else if (messages.length === 0) messages.push({ role: 'user', content: 'Hello!' });
  choices.push({
    label: 'Next request',
    note: draft.trim()
      ? 'The next request: what Send would send now, with your draft as the last message.'
      : 'The next request: what Send would send now (the composer is empty).',
    request: settingsRequest(conversation, messages),
  });
  return choices;
}
