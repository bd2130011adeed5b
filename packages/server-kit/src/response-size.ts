import { createProtocolError, ErrorCode, type ProtocolError } from '@switchyard/protocol';

/**
 * The default largest answer a chat server relays per request (64 MiB): far above any real
 * completion, even a long stream, so that one request cannot make the server send (and hold)
 * without bound.
 */
export const DEFAULT_RESPONSE_LIMIT = 64 * 1024 * 1024;

/** The 502 `bad_response` for an answer larger than `limit` bytes. */
export function responseTooLarge(limit: number, requestId: string): ProtocolError {
  return createProtocolError({
    message: `The answer is larger than ${limit} bytes, the most this server relays per response: ask for less (a lower max_tokens or n).`,
    code: ErrorCode.badResponse,
    requestId,
  });
}
