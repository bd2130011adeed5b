import type { z } from 'zod';
import { ErrorCode } from '../errors/error-codes.js';
import { BadRequestError } from '../errors/protocol-error.js';
import { formatZodIssue } from './format-zod-issue.js';

/** Result of a safe request parse: the parsed body or a `BadRequestError` naming the field. */
export type SafeParseResult<T> = { success: true; data: T } | { success: false; error: BadRequestError };

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
 * Validates a request body against one of the request schemas without throwing. Any input,
 * including non-objects and hostile values, gives either the parsed body (unknown fields kept)
 * or a `BadRequestError` with `param` set to the exact path. `what` names the body in the
 * message of the one failure that has no path ("… could not be read as `what`").
 */
export function safeParseRequest<T>(schema: z.ZodType, body: unknown, what: string): SafeParseResult<T> {
  try {
    const result = schema.safeParse(body);
    if (result.success) return { success: true, data: result.data as T };
    // Parsed again for the message only: zod's `reportInput` doubles the cost of every valid body.
    const reported = schema.safeParse(body, { reportInput: true });
    return { success: false, error: badRequestFromZodError(reported.error ?? result.error) };
  } catch (cause) {
    // Hostile inputs (throwing getters, proxies) must still become a protocol error.
    return {
      success: false,
      error: new BadRequestError({
        message: `Request body could not be read as ${what}`,
        code: ErrorCode.invalidRequest,
        cause,
      }),
    };
  }
}
