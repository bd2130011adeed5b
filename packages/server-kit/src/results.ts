import { ErrorCode, type ProtocolError, type Usage } from '@switchyard/protocol';
import type { JsonResult } from './chat-server-types.js';
import { chatCompletionsDoor } from './doors/chat-completions/chat-completions-door.js';
import { protocolErrorFor, retryHeaders } from './error-response.js';
import type { DoorRouteAnswer } from './front-door.js';
import type { Outcome, RequestState } from './request-state.js';

const JSON_HEADERS = { 'content-type': 'application/json' } as const;

/** A JSON answer on a protocol route; reports the request finished. */
export function jsonResult(
  state: RequestState,
  status: number,
  body: unknown,
  outcome: Pick<Outcome, 'usage' | 'firstChunkAt'> = {},
): JsonResult {
  return jsonTextResult(state, status, JSON.stringify(body), outcome);
}

/** {@link jsonResult} for a body already serialised. */
export function jsonTextResult(
  state: RequestState,
  status: number,
  body: string,
  outcome: Pick<Outcome, 'usage' | 'firstChunkAt'> = {},
): JsonResult {
  state.commit(status, false);
  const result: JsonResult = {
    type: 'json',
    status,
    headers: Object.assign({}, JSON_HEADERS, state.headers), // not two spreads (see logger.ts)
    body,
    matched: true,
  };
  state.finish({ status, ...outcome });
  return result;
}

/**
 * The error envelope for anything thrown while serving a protocol route; `usage` is what the
 * upstream reported for an answer that was then refused (it was paid for).
 */
export function errorResult(state: RequestState, thrown: unknown, usage?: Usage): JsonResult {
  const error = protocolErrorFor(state.signal.aborted ? state.signal.reason : thrown, state.requestId);
  const encoded = (state.door ?? chatCompletionsDoor).encodeError(error);
  const { status } = encoded;
  state.commit(status, true);
  const result = { ...envelope(error, state.headers, encoded), matched: true };
  state.finish({ status, error, firstChunkAt: undefined, ...(usage ? { usage } : {}) });
  return result;
}

/** The error answer (`encoded` by a door's `encodeError`), with retry headers. */
export function envelope(
  error: ProtocolError,
  baseHeaders: Record<string, string>,
  encoded: DoorRouteAnswer,
): Omit<JsonResult, 'matched'> {
  const headers: Record<string, string> = Object.assign({}, JSON_HEADERS, baseHeaders);
  retryHeaders(error, headers);
  // The unread rest of an oversized body is not worth draining: close the connection.
  if (error.code === ErrorCode.bodyTooLarge) headers.connection = 'close';
  return { type: 'json', status: encoded.status, headers, body: JSON.stringify(encoded.body) };
}
