import { createProtocolError, ErrorCode, type FinishReason, type ProtocolError } from '@switchyard/protocol';

const CONTENT_FILTER = new Set([
  'SAFETY',
  'RECITATION',
  'BLOCKLIST',
  'PROHIBITED_CONTENT',
  'SPII',
  'IMAGE_SAFETY',
  'IMAGE_PROHIBITED_CONTENT',
  'IMAGE_RECITATION',
]);

// Finish reasons that mean the answer is broken: the client gets an error, not a truncated answer.
const FAILURES = new Set([
  'MALFORMED_FUNCTION_CALL',
  'UNEXPECTED_TOOL_CALL',
  'TOO_MANY_TOOL_CALLS',
  'MALFORMED_RESPONSE',
]);

/**
 * Maps a Gemini `finishReason` to the protocol's. Gemini has no tool-call reason: `STOP` after a
 * function call becomes `tool_calls`. Reasons that mean a broken answer throw a retryable 502;
 * `MISSING_THOUGHT_SIGNATURE` throws a 400 (the client dropped the signatures it must send back).
 */
export function mapGeminiFinishReason(
  reason: string,
  context: { hasToolCalls: boolean; finishMessage?: string | undefined },
): FinishReason {
  if (reason === 'MAX_TOKENS') return 'length';
  if (CONTENT_FILTER.has(reason)) return 'content_filter';
  if (FAILURES.has(reason) || reason === 'MISSING_THOUGHT_SIGNATURE')
    throw finishError(reason, context.finishMessage);
  // STOP, OTHER, LANGUAGE, NO_IMAGE, FINISH_REASON_UNSPECIFIED and reasons added later.
  return context.hasToolCalls ? 'tool_calls' : 'stop';
}

function finishError(reason: string, finishMessage: string | undefined): ProtocolError {
  const detail = finishMessage ? `: ${finishMessage}` : '.';
  if (reason === 'MISSING_THOUGHT_SIGNATURE') {
    return createProtocolError({
      message:
        'Gemini rejected a replayed function call without its thought signature (MISSING_THOUGHT_SIGNATURE)' +
        `${detail} Send back tool_calls[].extra_content.google.thought_signature unchanged.`,
      code: ErrorCode.invalidRequest,
    });
  }
  return createProtocolError({
    message: `Gemini ended the answer with ${reason}${detail}`,
    code: ErrorCode.upstreamError,
    retryable: true,
  });
}
