import { type ChatCompletionRequest, ChatCompletionRequestSchema } from './chat-completion-request-schema.js';
import { type SafeParseResult, safeParseRequest } from './parse-request.js';

export { badRequestFromZodError } from './parse-request.js';

/** Result of {@link safeParseChatCompletionRequest}. */
export type SafeParseRequestResult = SafeParseResult<ChatCompletionRequest>;

/**
 * Validates a chat-completion request body without throwing. Never throws: any input, including
 * non-objects and hostile values, gives either the parsed request (unknown fields kept) or a
 * `BadRequestError` with `param` set to the exact path, e.g. `messages[2].tool_call_id`.
 */
export function safeParseChatCompletionRequest(body: unknown): SafeParseRequestResult {
  return safeParseRequest(ChatCompletionRequestSchema, body, 'a chat completion request');
}

/**
 * Validates a chat-completion request body and returns it (unknown fields kept).
 *
 * @throws BadRequestError (code `invalid_request`) with `param` set to the exact field path.
 * @example
 * ```ts
 * const request = parseChatCompletionRequest(await req.json());
 * // BadRequestError: messages[2].tool_call_id is required for tool messages
 * ```
 */
export function parseChatCompletionRequest(body: unknown): ChatCompletionRequest {
  const result = safeParseChatCompletionRequest(body);
  if (result.success) return result.data;
  throw result.error;
}
