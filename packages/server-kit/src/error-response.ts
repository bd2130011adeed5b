import { isRetryableStatus, type ProtocolError, toProtocolError } from '@switchyard/protocol';

/**
 * Normalises anything thrown into a `ProtocolError` that carries `requestId`. An error that
 * already names another request (a shared constant thrown twice) is copied, not mutated.
 */
export function protocolErrorFor(value: unknown, requestId: string): ProtocolError {
  const error = toProtocolError(value, requestId);
  return error.requestId === requestId ? error : error.with({ requestId, cause: error });
}

/**
 * Headers that tell clients how to retry (protocol.md §4.3): `retry-after` / `retry-after-ms`
 * when the error says when, and `x-should-retry` when the error's retryability differs from what
 * its status implies (an exhausted budget is a 429 that must not be retried).
 */
export function retryHeaders(error: ProtocolError, headers: Record<string, string>): void {
  if (error.retryAfterMs !== undefined && error.retryAfterMs >= 0) {
    headers['retry-after-ms'] = String(Math.round(error.retryAfterMs));
    headers['retry-after'] = String(Math.ceil(error.retryAfterMs / 1000));
  }
  if (error.isRetryable !== isRetryableStatus(error.status)) {
    headers['x-should-retry'] = String(error.isRetryable);
  }
}

/** HTTP status for an error: a real error status, never 2xx/3xx. */
export function statusOf(error: ProtocolError): number {
  return error.status >= 400 && error.status <= 599 ? error.status : 500;
}
