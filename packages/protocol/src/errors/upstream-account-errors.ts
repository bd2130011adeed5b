import { ErrorCode } from './error-codes.js';
import { ServerError } from './protocol-error.js';

/** An upstream's refusal of the server's own credential or account, as the adapter saw it. */
export interface UpstreamAccountErrorInit {
  /** The provider's configured name, e.g. `token360`: never its URL, host or port. */
  provider: string;
  /** The upstream's HTTP status (401, 402, 403, or 429 for an empty balance). */
  status: number;
  /** The upstream's own message: kept as the error's `cause` for server logs, never sent to the client. */
  upstreamMessage?: string | undefined;
  requestId?: string | null;
  streamStarted?: boolean;
}

function upstreamCause(init: UpstreamAccountErrorInit): Error | undefined {
  return init.upstreamMessage === undefined ? undefined : new Error(init.upstreamMessage);
}

/**
 * A 502 `upstream_auth_failed`: the upstream refused the key (or account) the server itself uses
 * for `provider` (an upstream 401 or 403). The caller's own key is fine, so this is never a 401:
 * clients would rotate the wrong key. Not retryable (`x-should-retry: false`) on the same
 * deployment; a router may still fall back to another provider.
 *
 * @example
 * throw upstreamAuthFailedError({ provider: 'token360', status: 401, upstreamMessage: body.error.message });
 */
export function upstreamAuthFailedError(init: UpstreamAccountErrorInit): ServerError {
  const { provider, status } = init;
  return new ServerError({
    message:
      `Provider '${provider}' rejected the API key this server uses for it (upstream HTTP ${status}). ` +
      `This is not about your API key: the server's operator must fix the key configured for provider '${provider}'.`,
    code: ErrorCode.upstreamAuthFailed,
    requestId: init.requestId ?? null,
    streamStarted: init.streamStarted ?? false,
    cause: upstreamCause(init),
  });
}

/**
 * A 502 `upstream_insufficient_quota`: the server's account at `provider` has no balance, credit or
 * quota left (an upstream 402, or a 429 that says so). Not the caller's budget, and not retryable.
 */
export function upstreamInsufficientQuotaError(init: UpstreamAccountErrorInit): ServerError {
  const { provider, status } = init;
  return new ServerError({
    message:
      `Provider '${provider}' refused the request: the account this server uses there has no balance or quota left ` +
      `(upstream HTTP ${status}). This is not about your API key or budget: the server's operator must top up or ` +
      `replace the account configured for provider '${provider}'.`,
    code: ErrorCode.upstreamInsufficientQuota,
    requestId: init.requestId ?? null,
    streamStarted: init.streamStarted ?? false,
    cause: upstreamCause(init),
  });
}
