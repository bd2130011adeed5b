import type { TreeMessage, TreeNode } from './conversation-tree.js';

function hasOutput(message: TreeMessage): boolean {
  if (message.role !== 'assistant') return true;
  const { content, tool_calls } = message;
  return (tool_calls?.length ?? 0) > 0 || (typeof content === 'string' ? content !== '' : !!content?.length);
}

/**
 * The messages of a branch as they are sent upstream. A failed turn is left out: the answer that
 * failed (a 429, 500, 401, …) and the user message it failed to answer, so no empty assistant
 * message and no unanswered prompt is resent (re-running the answer sends the prompt again, since
 * the branch then ends on it). An answer stopped before its first token is left out too.
 */
export function sentHistory(path: readonly TreeNode[]): TreeMessage[] {
  const messages: TreeMessage[] = [];
  for (const node of path) {
    if (node.answer?.status === 'error') {
      while (messages.at(-1)?.role === 'user') messages.pop();
      continue;
    }
    if (node.answer?.status === 'stopped' && !hasOutput(node.message)) continue;
    messages.push(node.message);
  }
  return messages;
}
