import { type SafeParseResult, safeParseRequest } from '../safe-parse-request.js';
import { type ResponsesRequest, ResponsesRequestSchema } from './responses-request-schema.js';

/**
 * Validates a `POST /v1/responses` body without throwing: the parsed request (unknown fields
 * kept) or a `BadRequestError` whose `param` is the exact path, e.g. `input[2].call_id`.
 */
export function safeParseResponsesRequest(body: unknown): SafeParseResult<ResponsesRequest> {
  return safeParseRequest(ResponsesRequestSchema, body, 'a Responses API request');
}

/**
 * Validates a `POST /v1/responses` body and returns it (unknown fields kept).
 *
 * @throws BadRequestError (code `invalid_request`) with `param` set to the exact field path.
 * @example
 * ```ts
 * const request = parseResponsesRequest({ model: 'simulator/echo', input: 'Hi' });
 * ```
 */
export function parseResponsesRequest(body: unknown): ResponsesRequest {
  const result = safeParseResponsesRequest(body);
  if (result.success) return result.data;
  throw result.error;
}
