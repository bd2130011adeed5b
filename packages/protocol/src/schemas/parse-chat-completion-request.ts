import type { z } from 'zod';
import { ErrorCode } from '../errors/error-codes.js';
import { BadRequestError } from '../errors/protocol-error.js';
import { type ChatCompletionRequest, ChatCompletionRequestSchema } from './chat-completion-request-schema.js';
import { formatZodIssue } from './format-zod-issue.js';

/** Result of {@link safeParseChatCompletionRequest}. */
export type SafeParseRequestResult =
  | { success: true; data: ChatCompletionRequest }
  | { success: false; error: BadRequestError };

/**
 * Turns a failed zod parse into a `BadRequestError` (code `invalid_request`) whose `param` is the
 * wire path of the first problem. Parse with `{ reportInput: true }` so messages can quote values.
 */
export function badRequestFromZodError(error: z.ZodError): BadRequestError {
  const first = error.issues[0];
  const { param, message } = first
    ? formatZodIssue(first)
    : { param: null, message: 'Request body is invalid' };
  return new BadRequestError({ message, code: ErrorCode.invalidRequest, param });
}

/**
 * Validates a chat-completion request body without throwing. Never throws: any input, including
 * non-objects and hostile values, gives either the parsed request (unknown fields kept) or a
 * `BadRequestError` with `param` set to the exact path, e.g. `messages[2].tool_call_id`.
 */
export function safeParseChatCompletionRequest(body: unknown): SafeParseRequestResult {
  try {
    const result = ChatCompletionRequestSchema.safeParse(body);
    if (result.success) return { success: true, data: result.data as ChatCompletionRequest };
    // Parsed again for the message only: zod's `reportInput` doubles the cost of every valid body.
    const reported = ChatCompletionRequestSchema.safeParse(body, { reportInput: true });
    return { success: false, error: badRequestFromZodError(reported.error ?? result.error) };
  } catch (cause) {
    // Hostile inputs (throwing getters, proxies) must still become a protocol error.
    return {
      success: false,
      error: new BadRequestError({
        message: 'Request body could not be read as a chat completion request',
        code: ErrorCode.invalidRequest,
        cause,
      }),
    };
  }
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
