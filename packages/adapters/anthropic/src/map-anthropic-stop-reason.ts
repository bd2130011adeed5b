import type { FinishReason } from '@switchyard/protocol';

/**
 * Maps Anthropic's `stop_reason` to a chat-completions `finish_reason`. `jsonToolAnswered` is true
 * when the model stopped to call the forced `json` tool that carries a `response_format` answer:
 * that call is the answer, so the turn ended normally.
 */
export function mapAnthropicStopReason(
  stopReason: string | null | undefined,
  jsonToolAnswered = false,
): FinishReason {
  switch (stopReason) {
    case 'max_tokens':
    case 'model_context_window_exceeded':
      return 'length';
    case 'tool_use':
      return jsonToolAnswered ? 'stop' : 'tool_calls';
    case 'refusal':
      return 'content_filter';
    default:
      // end_turn, stop_sequence, pause_turn, and values added after this adapter was written.
      return 'stop';
  }
}
