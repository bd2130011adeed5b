import { ErrorCode, type ProtocolError } from '@switchyard/protocol';
import type pino from 'pino';
import type { Deployment } from '../routing/deployment.js';

/** Upstream refusals of the gateway's own provider key or account: only the operator can fix them. */
const OPERATOR_FAULTS: ReadonlySet<string> = new Set([
  ErrorCode.upstreamAuthFailed,
  ErrorCode.upstreamInsufficientQuota,
]);

/**
 * What the error's `cause` chain says (the upstream's own message, the transport error with the
 * upstream's address): kept out of client-facing messages, so it is logged here. Secrets are masked
 * by the logger's scrubber.
 */
function causeOf(error: ProtocolError): string | undefined {
  const parts: string[] = [];
  let current: unknown = error.cause;
  for (let depth = 0; depth < 4 && current instanceof Error; depth++) {
    parts.push(current.message);
    current = current.cause;
  }
  return parts.length > 0 ? parts.join(': ') : undefined;
}

/**
 * Logs one failed upstream attempt: a `warn` line for what another attempt or the upstream itself
 * may fix, one `error` line when the upstream refused the gateway's own key or account (the
 * operator must act; the client was told so without the provider's words).
 */
export function logAttemptError(
  logger: pino.Logger,
  event: { deployment: Deployment; error: ProtocolError; requestId: string },
): void {
  const { deployment, error, requestId } = event;
  const upstream = causeOf(error);
  const fields = {
    request_id: requestId,
    deployment: deployment.id,
    provider: deployment.provider,
    status: error.status,
    code: error.code,
    error: error.message,
    ...(upstream === undefined ? {} : { upstream_error: upstream }),
  };
  if (OPERATOR_FAULTS.has(error.code)) {
    logger.error(
      fields,
      `provider '${deployment.provider}' refused the gateway's key or account: fix its configuration`,
    );
  } else {
    logger.warn(fields, 'upstream attempt failed');
  }
}
