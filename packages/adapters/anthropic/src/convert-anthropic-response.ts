import type { ReasoningDetail } from '@switchyard/adapter-kit';
import type { AssistantMessage, ChatCompletion, ToolCall } from '@switchyard/protocol';
import type { AnthropicResponse } from './anthropic-api-types.js';
import { convertAnthropicUsage } from './convert-anthropic-usage.js';
import { mapAnthropicStopReason } from './map-anthropic-stop-reason.js';
import { JSON_TOOL_NAME } from './prepare-anthropic-tools.js';
import { reasoningDetailFromBlock } from './reasoning-details.js';

/**
 * Converts a non-stream Messages response into a chat completion: text blocks are joined into
 * `content`, thinking into `reasoning_content` (plus replayable `reasoning_details`), `tool_use`
 * into tool calls with `arguments = JSON.stringify(input)`. Server-side tool blocks (MCP, web
 * search…) are executed by Anthropic and have no chat-completions counterpart, so they are skipped.
 */
export function convertAnthropicResponse(
  response: AnthropicResponse,
  options: { jsonTool: boolean; created: number },
): ChatCompletion {
  let content = '';
  let reasoning = '';
  const details: ReasoningDetail[] = [];
  const toolCalls: ToolCall[] = [];
  let jsonAnswered = false;

  for (const block of response.content) {
    switch (block.type) {
      case 'text':
        content += block.text ?? '';
        break;
      case 'thinking':
        reasoning += block.thinking ?? '';
        if (block.signature) {
          details.push(
            reasoningDetailFromBlock(
              { type: 'thinking', thinking: block.thinking ?? '', signature: block.signature },
              details.length,
            ),
          );
        }
        break;
      case 'redacted_thinking':
        if (block.data)
          details.push(
            reasoningDetailFromBlock({ type: 'redacted_thinking', data: block.data }, details.length),
          );
        break;
      case 'tool_use': {
        const args = JSON.stringify(block.input ?? {});
        if (options.jsonTool && block.name === JSON_TOOL_NAME) {
          content += args;
          jsonAnswered = true;
        } else {
          toolCalls.push({
            id: block.id ?? '',
            type: 'function',
            function: { name: block.name ?? '', arguments: args },
          });
        }
        break;
      }
    }
  }

  const message: AssistantMessage = {
    role: 'assistant',
    content: content === '' && toolCalls.length > 0 ? null : content,
  };
  if (reasoning !== '') message.reasoning_content = reasoning;
  if (details.length > 0) (message as Record<string, unknown>).reasoning_details = details;
  if (toolCalls.length > 0) message.tool_calls = toolCalls;

  const completion: ChatCompletion = {
    id: response.id,
    object: 'chat.completion',
    created: options.created,
    model: response.model,
    choices: [
      {
        index: 0,
        message,
        logprobs: null,
        finish_reason: mapAnthropicStopReason(response.stop_reason, jsonAnswered && toolCalls.length === 0),
      },
    ],
  };
  if (response.usage) completion.usage = convertAnthropicUsage(response.usage);
  return completion;
}
