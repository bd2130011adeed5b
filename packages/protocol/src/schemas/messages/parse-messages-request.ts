import { type SafeParseResult, safeParseRequest } from '../safe-parse-request.js';
import {
  type MessagesCountTokensRequest,
  MessagesCountTokensRequestSchema,
  type MessagesRequest,
  MessagesRequestSchema,
} from './messages-request-schema.js';

/**
 * Validates the body of `POST /v1/messages` without throwing: the parsed request (unknown fields
 * kept) or a `BadRequestError` whose `param` is the exact path, e.g. `messages[1].content[0].id`.
 */
export function safeParseMessagesRequest(body: unknown): SafeParseResult<MessagesRequest> {
  return safeParseRequest(MessagesRequestSchema, body, 'a Messages request');
}

/**
 * Validates the body of `POST /v1/messages` and returns it (unknown fields kept).
 *
 * @throws BadRequestError (code `invalid_request`) with `param` set to the exact field path.
 */
export function parseMessagesRequest(body: unknown): MessagesRequest {
  const result = safeParseMessagesRequest(body);
  if (result.success) return result.data;
  throw result.error;
}

/**
 * Validates the body of `POST /v1/messages/count_tokens` and returns it.
 *
 * @throws BadRequestError (code `invalid_request`) with `param` set to the exact field path.
 */
export function parseMessagesCountTokensRequest(body: unknown): MessagesCountTokensRequest {
  const result = safeParseRequest<MessagesCountTokensRequest>(
    MessagesCountTokensRequestSchema,
    body,
    'a count_tokens request',
  );
  if (result.success) return result.data;
  throw result.error;
}
