import type { UpstreamErrorAnswer } from '@switchyard/adapter-kit';
import {
  createProtocolError,
  ErrorCode,
  type ProtocolError,
  upstreamAuthFailedError,
  upstreamInsufficientQuotaError,
} from '@switchyard/protocol';
import type { LarchFailure } from './larch-api-types.js';

/** The HTTP status Larch documents for each failure kind (a `failure` line has no status of its own). */
export const LARCH_FAILURE_STATUS: Readonly<Record<string, number>> = {
  bad_request: 400,
  unauthorized: 401,
  out_of_credit: 402,
  rate_limited: 429,
  internal: 500,
  overloaded: 503,
};

/**
 * A Larch failure (an error answer, or a `failure` line mid-stream) as a protocol error: the
 * operator's key or balance is not the caller's problem (502s), the rest keep Larch's status.
 * The upstream client has already replaced the key in the body with `[redacted]`.
 */
export function mapLarchError(
  provider: string,
  answer: Pick<UpstreamErrorAnswer, 'status' | 'body' | 'requestId' | 'retryAfterMs' | 'retryable'>,
): ProtocolError {
  const failure = (answer.body as { failure?: LarchFailure } | undefined)?.failure;
  const detail = failure?.detail ?? `Larch answered ${answer.status}.`;
  const account = { provider, status: answer.status, upstreamMessage: detail, requestId: answer.requestId };
  if (answer.status === 401 || answer.status === 403) return upstreamAuthFailedError(account);
  if (answer.status === 402 || failure?.kind === 'out_of_credit')
    return upstreamInsufficientQuotaError(account);
  return createProtocolError({
    message: `Larch: ${detail}`,
    status: answer.status,
    ...(failure?.kind === 'overloaded' ? { code: ErrorCode.overloaded } : {}),
    requestId: answer.requestId,
    ...(answer.retryAfterMs === undefined ? {} : { retryAfterMs: answer.retryAfterMs }),
    ...(answer.retryable === undefined ? {} : { retryable: answer.retryable }),
  });
}
