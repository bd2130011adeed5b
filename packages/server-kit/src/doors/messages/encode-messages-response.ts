import { MESSAGES_DOOR, nativeBodyOf } from '@switchyard/adapter-kit';
import {
  type ChatCompletion,
  createProtocolError,
  ErrorCode,
  type MessagesResponse,
  type MessagesResponseBlock,
} from '@switchyard/protocol';
import { mapStopReason } from './map-stop-reason.js';
import { messageId } from './message-id.js';
import { toMessagesUsage } from './messages-usage.js';
import { thinkingBlocks } from './thinking-blocks.js';

/**
 * A canonical completion as a Messages answer: reasoning → thinking blocks (signed where the
 * upstream signed them), text → a text block, tool calls → `tool_use` blocks with their parsed
 * input, finish reason → stop reason, usage with cache reads and writes apart. An answer an
 * adapter passed through natively (see `withNativeBody`) is sent as the upstream wrote it.
 */
export function encodeMessagesResponse(completion: ChatCompletion, model: string): unknown {
  const native = nativeBodyOf(completion, MESSAGES_DOOR);
  if (native !== undefined) return native;
  const choice = completion.choices[0];
  const message = choice?.message;
  const content: MessagesResponseBlock[] = [];
  if (message) {
    content.push(...thinkingBlocks(message));
    if (message.content) content.push({ type: 'text', text: message.content });
    for (const call of message.tool_calls ?? []) {
      content.push({
        type: 'tool_use',
        id: call.id,
        name: call.function.name,
        input: toolInput(call.function.arguments),
      });
    }
  }
  const response: MessagesResponse = {
    id: messageId(completion.id),
    type: 'message',
    role: 'assistant',
    model: completion.model || model,
    content,
    stop_reason: mapStopReason(choice?.finish_reason),
    stop_sequence: null,
    usage: toMessagesUsage(completion.usage),
  };
  return response;
}

/** Tool arguments (a JSON string) as the `input` object a `tool_use` block carries. */
export function toolInput(args: string): Record<string, unknown> {
  if (args.trim() === '') return {};
  try {
    const input: unknown = JSON.parse(args);
    if (typeof input === 'object' && input !== null && !Array.isArray(input))
      return input as Record<string, unknown>;
  } catch {
    // reported below
  }
  throw createProtocolError({
    message:
      'The model called a tool with arguments that are not a JSON object; a Messages tool_use block cannot carry them.',
    code: ErrorCode.badResponse,
  });
}
