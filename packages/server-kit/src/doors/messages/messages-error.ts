import type { MessagesError, MessagesErrorType, ProtocolError } from '@switchyard/protocol';
import type { DoorRouteAnswer } from '../../front-door.js';

/** The `error.type` Anthropic's SDK expects for a status. */
function errorType(error: ProtocolError): MessagesErrorType {
  switch (error.status) {
    case 400:
    case 405:
    case 409:
    case 415:
    case 422:
      return 'invalid_request_error';
    case 401:
      return 'authentication_error';
    case 402:
      return 'billing_error';
    case 403:
      return 'permission_error';
    case 404:
      return 'not_found_error';
    case 413:
      return 'request_too_large';
    case 429:
      return 'rate_limit_error';
    case 503:
    case 529:
      return 'overloaded_error';
    case 504:
      return 'timeout_error';
    default:
      return error.status >= 500 ? 'api_error' : 'invalid_request_error';
  }
}

/** A protocol error in Anthropic's envelope: `{"type":"error","error":{"type","message"},"request_id"}`. */
export function messagesErrorBody(error: ProtocolError): MessagesError {
  const body: MessagesError = { type: 'error', error: { type: errorType(error), message: error.message } };
  if (error.requestId) body.request_id = error.requestId;
  return body;
}

/**
 * The status and body a Messages client gets for `error`. The status is kept (the SDK picks its
 * error class and whether to retry from it; an overload is already Anthropic's 529).
 */
export function encodeMessagesError(error: ProtocolError): DoorRouteAnswer {
  return { status: error.status, body: messagesErrorBody(error) };
}
