import { ErrorCode, type ProtocolError } from '@switchyard/protocol';
import type { JsonResult } from './chat-server-types.js';
import { protocolErrorFor, retryHeaders, statusOf } from './error-response.js';
import type { Outcome, RequestState } from './request-state.js';

const JSON_HEADERS = { 'content-type': 'application/json' } as const;

/** A JSON answer on a protocol route; reports the request finished. */
export function jsonResult(
  state: RequestState,
  status: number,
  body: unknown,
  outcome: Pick<Outcome, 'usage' | 'firstChunkAt'> = {},
): JsonResult {
  state.commit(status, false);
  const result: JsonResult = {
    type: 'json',
    status,
    headers: { ...JSON_HEADERS, ...state.headers },
    body: JSON.stringify(body),
    matched: true,
  };
  state.finish({ status, ...outcome });
  return result;
}

/** The error envelope for anything thrown while serving a protocol route. */
export function errorResult(state: RequestState, thrown: unknown): JsonResult {
  const error = protocolErrorFor(state.signal.aborted ? state.signal.reason : thrown, state.requestId);
  const status = statusOf(error);
  state.commit(status, true);
  const result = { ...envelope(error, state.headers), matched: true };
  state.finish({ status, error, firstChunkAt: undefined });
  return result;
}

/** The error envelope answer, with retry headers. */
export function envelope(
  error: ProtocolError,
  baseHeaders: Record<string, string>,
): Omit<JsonResult, 'matched'> {
  const headers: Record<string, string> = { ...JSON_HEADERS, ...baseHeaders };
  retryHeaders(error, headers);
  // The unread rest of an oversized body is not worth draining: close the connection.
  if (error.code === ErrorCode.bodyTooLarge) headers.connection = 'close';
  return { type: 'json', status: statusOf(error), headers, body: JSON.stringify(error.toEnvelope()) };
}
