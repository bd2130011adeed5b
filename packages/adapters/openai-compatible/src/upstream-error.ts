import { retryHints, type UpstreamHeaders } from '@switchyard/adapter-kit';
import {
  codeForStatus,
  createProtocolError,
  errorFromEnvelope,
  type ProtocolError,
  upstreamAuthFailedError,
  upstreamInsufficientQuotaError,
} from '@switchyard/protocol';

/**
 * Z.ai/GLM business codes (https://docs.z.ai/api-reference/api-code) that change what an error
 * means. Z.ai answers 429 both for throttling and for an empty balance; only the code tells them
 * apart, and retrying an empty balance only burns the caller's retry budget. `account` codes are
 * about the server's own key or account there (1000–1004 authentication, 1110–1121 an inactive,
 * missing or locked account), never the caller's.
 */
const ZAI_CODES: Readonly<Record<string, { code: string; retryable: boolean }>> = {
  '1000': { code: 'account', retryable: false },
  '1001': { code: 'account', retryable: false },
  '1002': { code: 'account', retryable: false },
  '1003': { code: 'account', retryable: false },
  '1004': { code: 'account', retryable: false },
  '1110': { code: 'account', retryable: false },
  '1111': { code: 'account', retryable: false },
  '1112': { code: 'account', retryable: false },
  '1113': { code: 'insufficient_quota', retryable: false },
  '1121': { code: 'account', retryable: false },
  '1211': { code: 'model_not_found', retryable: false },
  '1302': { code: 'rate_limit_exceeded', retryable: true },
  '1303': { code: 'rate_limit_exceeded', retryable: true },
  '1305': { code: 'overloaded', retryable: true },
};

/** Upstream codes that mean "no money left" rather than "slow down". */
const BALANCE_CODES = new Set([
  'insufficient_quota',
  'insufficient_balance',
  'insufficient_credits',
  'billing_hard_limit_reached',
  'billing_not_active',
  'budget_exceeded',
  'quota_exceeded',
]);

/** Messages of 402/429 answers that mean an empty balance when the upstream sends no usable code. */
// Not "billing": OpenAI's plain TPM messages point to the billing page too.
const BALANCE_MESSAGE =
  /insufficient (?:balance|credits?|funds|quota)|arrears|recharge|out of credits|balance (?:is )?(?:exhausted|too low)/i;

function innerError(body: unknown): Record<string, unknown> | undefined {
  if (typeof body !== 'object' || body === null) return undefined;
  const outer = body as Record<string, unknown>;
  const inner = outer.error;
  return typeof inner === 'object' && inner !== null ? (inner as Record<string, unknown>) : outer;
}

function rawCode(body: unknown): string | undefined {
  const code = innerError(body)?.code;
  if (typeof code === 'string' && code !== '') return code;
  if (typeof code === 'number') return String(code);
  return undefined;
}

export interface UpstreamErrorInit {
  /** The adapter's provider name, which errors about the server's own key or account name. */
  provider: string;
  status: number;
  headers: UpstreamHeaders;
  body: unknown;
  requestId: string | null;
  /** Strings that must never reach a message (the API key). */
  redact: readonly string[];
}

function redact(message: string, secrets: readonly string[]): string {
  let out = message;
  for (const secret of secrets) if (secret.length >= 4) out = out.split(secret).join('[redacted]');
  return out;
}

/** OpenRouter's 403 for flagged input carries moderation metadata: that is the caller's content, not our key. */
function isModeration(body: unknown): boolean {
  const metadata = innerError(body)?.metadata;
  return (
    typeof metadata === 'object' &&
    metadata !== null &&
    ('reasons' in metadata || 'flagged_input' in metadata)
  );
}

/**
 * Turns a non-2xx upstream answer into the matching protocol error: status and class from the
 * HTTP status, `retryAfterMs` from `retry-after-ms`/`retry-after`, `isRetryable` from
 * `x-should-retry` when sent. What is about the server's own key or account is never passed on as
 * the caller's: a 401/403 (or a Z.ai account code) becomes a 502 `upstream_auth_failed`, an empty
 * balance (402, or 429 with a balance code such as `insufficient_quota` or Z.ai's 1113) a 502
 * `upstream_insufficient_quota`, both naming the provider and not retryable.
 */
export function errorFromUpstream(init: UpstreamErrorInit): ProtocolError {
  const { status, headers, body } = init;
  const { retryAfterMs, retryable: headerRetry } = retryHints(headers);
  const base = errorFromEnvelope(body ?? `Upstream answered ${status} without a body.`, {
    status,
    requestId: headers.get('x-request-id') ?? init.requestId,
    ...(retryAfterMs === undefined ? {} : { retryAfterMs }),
  });
  const upstreamCode = rawCode(body);
  const upstreamType = innerError(body)?.type;
  const zai = upstreamCode ? ZAI_CODES[upstreamCode] : undefined;
  const balance =
    (upstreamCode !== undefined && BALANCE_CODES.has(upstreamCode.toLowerCase())) ||
    zai?.code === 'insufficient_quota' ||
    ((status === 402 || status === 429) && BALANCE_MESSAGE.test(base.message)) ||
    status === 402;
  const requestId = base.requestId;
  const account = {
    provider: init.provider,
    status,
    upstreamMessage: redact(base.message, init.redact),
    requestId,
  };
  if (balance) return upstreamInsufficientQuotaError(account);
  if (zai?.code === 'account' || ((status === 401 || status === 403) && !zai && !isModeration(body)))
    return upstreamAuthFailedError(account);
  let code: string = base.code;
  let retryable: boolean | undefined;
  if (zai) {
    code = zai.code;
    retryable = zai.retryable;
  } else if (upstreamCode !== undefined && /^\d+$/.test(upstreamCode)) {
    // A bare number (OpenRouter repeats the HTTP status) says nothing a client could match on.
    code = codeForStatus(status);
  }
  if (headerRetry !== undefined) retryable = headerRetry;
  return createProtocolError({
    message: redact(base.message, init.redact),
    code,
    status,
    ...(typeof upstreamType === 'string' && upstreamType !== '' ? { type: upstreamType } : {}),
    param: base.param,
    requestId,
    ...(retryable === undefined ? {} : { retryable }),
    ...(retryAfterMs === undefined ? {} : { retryAfterMs }),
  });
}

/** The same error with `streamStarted` set as given (a copy of the same class when it differs). */
export function withStreamStarted(error: ProtocolError, streamStarted: boolean): ProtocolError {
  return error.streamStarted === streamStarted ? error : error.with({ streamStarted });
}
