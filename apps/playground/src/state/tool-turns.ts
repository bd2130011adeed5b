import type { ToolCallParam, ToolMessageParam } from '@switchyard/protocol';
import type { ToolDefinition } from './chat-settings.js';
import type { TreeNode } from './conversation-tree.js';

export interface PendingToolCall {
  /** The assistant message that made the call. */
  assistantId: string;
  call: ToolCallParam;
}

/**
 * The tool calls still waiting for a result at the end of a branch: those of the last assistant
 * message with tool calls that no tool message after it answers. Empty once the model spoke again.
 */
export function pendingToolCalls(path: readonly TreeNode[]): PendingToolCall[] {
  const answered = new Set<string>();
  for (let i = path.length - 1; i >= 0; i--) {
    const node = path[i] as TreeNode;
    const { message } = node;
    if (message.role === 'tool') {
      answered.add(message.tool_call_id);
      continue;
    }
    if (message.role !== 'assistant' || !message.tool_calls?.length) return [];
    if (node.answer?.status === 'streaming' || node.answer?.status === 'error') return [];
    return message.tool_calls
      .filter((call) => !answered.has(call.id))
      .map((call) => ({ assistantId: node.id, call }));
  }
  return [];
}

/** The tool message answering a call. */
export function toolResultMessage(callId: string, content: string): ToolMessageParam {
  return { role: 'tool', tool_call_id: callId, content };
}

/** The canned result defined for a tool, if any. */
export function cannedResultFor(tools: readonly ToolDefinition[], name: string): string | undefined {
  const result = tools.find((tool) => tool.name === name)?.cannedResult;
  return result?.trim() ? result : undefined;
}

/** Tool-call arguments pretty-printed when they are JSON, as sent otherwise. */
export function formatArguments(text: string): string {
  try {
    return JSON.stringify(JSON.parse(text), null, 2);
  } catch {
    return text;
  }
}

/** True when the branch ends where the model should speak next (a user or tool message). */
export function awaitsAnswer(path: readonly TreeNode[]): boolean {
  const last = path.at(-1);
  if (!last) return false;
  return (
    last.message.role === 'user' || (last.message.role === 'tool' && pendingToolCalls(path).length === 0)
  );
}
