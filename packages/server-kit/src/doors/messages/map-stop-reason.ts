import type { MessagesStopReason } from '@switchyard/protocol';

/**
 * A chat finish reason as a Messages stop reason: `stop` → `end_turn`, `length` → `max_tokens`,
 * `tool_calls` (and legacy `function_call`) → `tool_use`, `content_filter` → `refusal`. Anything
 * else an upstream invents (GLM `sensitive`, OpenRouter `error`) ends the turn.
 */
export function mapStopReason(finishReason: string | null | undefined): MessagesStopReason {
  switch (finishReason) {
    case 'length':
      return 'max_tokens';
    case 'tool_calls':
    case 'function_call':
      return 'tool_use';
    case 'content_filter':
    case 'sensitive':
      return 'refusal';
    default:
      return 'end_turn';
  }
}
