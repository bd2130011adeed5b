import { ConnectionError, ProtocolError } from '@switchyard/protocol';

/** What kind of failure an error is, as a user sees it. */
export type ErrorCategory =
  | 'auth'
  | 'permission'
  | 'rate_limit'
  | 'budget'
  | 'bad_request'
  | 'not_found'
  | 'upstream'
  | 'timeout'
  | 'network'
  | 'aborted'
  | 'other';

/** A gateway or network error, reduced to plain data so that it can be shown and persisted. */
export interface AnswerError {
  category: ErrorCategory;
  /** A short headline, e.g. "Rate limited". */
  title: string;
  /** The server's own message. */
  message: string;
  /** What the user can do about it. */
  hint: string;
  status: number | null;
  code: string | null;
  param: string | null;
  requestId: string | null;
  retryAfterMs: number | null;
  /** True when part of the answer had already streamed. */
  streamStarted: boolean;
}

const UPSTREAM_CODES = new Set([
  'server_error',
  'overloaded',
  'upstream_error',
  'bad_response',
  'stream_incomplete',
  'connection_error',
]);

function categorise(error: ProtocolError): ErrorCategory {
  if (error.kind === 'abort' || error.code === 'aborted') return 'aborted';
  if (error.code === 'budget_exceeded' || error.code === 'insufficient_quota') return 'budget';
  if (error.status === 401 || error.code === 'invalid_api_key') return 'auth';
  if (error.status === 403) return 'permission';
  if (error.status === 429) return 'rate_limit';
  if (error.kind === 'timeout' || error.code === 'timeout') return 'timeout';
  // A connection error without a status from the server: the gateway itself was not reached.
  if (error.kind === 'connection' && error.requestId === null) return 'network';
  if (error.status === 404) return 'not_found';
  if (error.status >= 500 || UPSTREAM_CODES.has(error.code)) return 'upstream';
  if (error.status >= 400) return 'bad_request';
  return 'other';
}

function seconds(ms: number): string {
  const s = Math.max(1, Math.ceil(ms / 1000));
  return s === 1 ? '1 second' : `${s} seconds`;
}

function explain(category: ErrorCategory, error: ProtocolError): { title: string; hint: string } {
  switch (category) {
    case 'auth':
      return {
        title: 'API key rejected',
        hint: 'Check the API key in Connection settings (an admin key also works as an API key).',
      };
    case 'permission':
      return {
        title: 'Not allowed',
        hint: 'This key may not use this model or route; ask for a key that can.',
      };
    case 'rate_limit':
      return {
        title: 'Rate limited',
        hint:
          error.retryAfterMs === undefined
            ? 'This key sent too many requests or tokens; wait and retry.'
            : `This key sent too many requests or tokens; retry in ${seconds(error.retryAfterMs)}.`,
      };
    case 'budget':
      return {
        title: 'Budget exhausted',
        hint: 'The spending limit of this key is reached; retrying will not help.',
      };
    case 'not_found':
      return {
        title: error.code === 'model_not_found' ? 'Unknown model' : 'Not found',
        hint: 'Pick a model from the list the gateway offers.',
      };
    case 'upstream':
      return {
        title: error.status === 502 || error.status === 503 ? 'Upstream unavailable' : 'Upstream error',
        hint: 'The provider behind the gateway failed; retry, or pick another model.',
      };
    case 'timeout':
      return { title: 'Timed out', hint: 'The model took too long to answer; retry or lower max tokens.' };
    case 'network':
      return {
        title: 'Gateway unreachable',
        hint: 'Check the gateway URL in Connection settings. A gateway on another origin must allow CORS.',
      };
    case 'aborted':
      return { title: 'Stopped', hint: '' };
    case 'bad_request':
      return {
        title: 'Request rejected',
        hint: error.param ? `The gateway points at \`${error.param}\`.` : 'The gateway refused this request.',
      };
    default:
      return { title: 'Error', hint: '' };
  }
}

/** Turns anything thrown by the client (or the admin API) into an {@link AnswerError}. */
export function describeError(error: unknown): AnswerError {
  const protocolError = ProtocolError.isInstance(error)
    ? error
    : new ConnectionError({
        message: error instanceof Error ? error.message : String(error),
        code: 'connection_error',
        status: 0,
      });
  const category = categorise(protocolError);
  const { title, hint } = explain(category, protocolError);
  return {
    category,
    title,
    message: protocolError.message,
    hint,
    status: protocolError.status > 0 ? protocolError.status : null,
    code: protocolError.code,
    param: protocolError.param,
    requestId: protocolError.requestId,
    retryAfterMs: protocolError.retryAfterMs ?? null,
    streamStarted: protocolError.streamStarted,
  };
}
