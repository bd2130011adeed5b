import { createProtocolError, type ProtocolError } from '@switchyard/protocol';

const FINISH_REASONS: Readonly<Record<string, string>> = {
  stop: 'stop',
  length: 'length',
  tool_calls: 'tool_calls',
  content_filter: 'content_filter',
  function_call: 'function_call',
  // GLM: blocked by moderation.
  sensitive: 'content_filter',
  // Names other servers (Anthropic/Gemini compatibility layers, local servers) use.
  end_turn: 'stop',
  stop_sequence: 'stop',
  eos: 'stop',
  max_tokens: 'length',
  model_length: 'length',
  tool_use: 'tool_calls',
  safety: 'content_filter',
  refusal: 'content_filter',
};

/** Finish reasons that mean the upstream failed to produce the answer. */
const FAILURES = new Set(['network_error', 'error']);

/**
 * Maps an upstream finish reason onto the protocol's: GLM `sensitive` → `content_filter`, other
 * vendors' names for stop/length/tool calls onto ours, and any other value kept as is (the
 * protocol's finish reason is an open enum). GLM `network_error` and OpenRouter `error` are
 * failures, returned as an error to throw.
 */
export function mapFinishReason(
  reason: string,
  init: { requestId: string | null; streamStarted: boolean },
): { finishReason: string } | { error: ProtocolError } {
  if (FAILURES.has(reason)) {
    return {
      error: createProtocolError({
        message: `The upstream failed while generating the answer (finish_reason "${reason}").`,
        code: 'upstream_error',
        requestId: init.requestId,
        streamStarted: init.streamStarted,
      }),
    };
  }
  return { finishReason: FINISH_REASONS[reason] ?? reason };
}
