import { retryHints, type UpstreamHeaders } from '@switchyard/adapter-kit';
import {
  clip,
  codeForStatus,
  createProtocolError,
  ERROR_CODE_INFO,
  ErrorCode,
  type ProtocolError,
  upstreamAuthFailedError,
  upstreamInsufficientQuotaError,
} from '@switchyard/protocol';
import { AnthropicErrorBodySchema } from './anthropic-api-types.js';

const SNIPPET_LENGTH = 200;

/** Anthropic's documented error `type`s and the protocol code each one becomes. */
const CODE_FOR_TYPE: Readonly<Record<string, ErrorCode>> = {
  invalid_request_error: ErrorCode.invalidRequest,
  authentication_error: ErrorCode.invalidApiKey,
  billing_error: ErrorCode.insufficientQuota,
  permission_error: ErrorCode.permissionDenied,
  not_found_error: ErrorCode.notFound,
  request_too_large: ErrorCode.bodyTooLarge,
  rate_limit_error: ErrorCode.rateLimitExceeded,
  timeout_error: ErrorCode.timeout,
  api_error: ErrorCode.serverError,
  overloaded_error: ErrorCode.overloaded,
};

function codeFor(
  errorType: string | null | undefined,
  message: string,
  status: number | undefined,
): ErrorCode {
  const code =
    (errorType && CODE_FOR_TYPE[errorType]) ||
    (status === undefined ? ErrorCode.serverError : codeForStatus(status));
  // Anthropic reports an oversized prompt as a plain invalid_request_error.
  if (
    code === ErrorCode.invalidRequest &&
    /prompt is too long|context window|exceeds? the context/i.test(message)
  ) {
    return ErrorCode.contextLengthExceeded;
  }
  if (code === ErrorCode.notFound && /\bmodel\b/i.test(message)) return ErrorCode.modelNotFound;
  // Anthropic reports an empty prepaid balance as a 400 invalid_request_error; retrying is useless.
  if (/credit balance is too low/i.test(message)) return ErrorCode.insufficientQuota;
  // Anthropic documents invalid_request_error as the catch-all type for other 4xx statuses too.
  if (code === ErrorCode.invalidRequest && status !== undefined && status !== 400)
    return codeForStatus(status);
  return code;
}

/** What the adapter knows about the failed HTTP response besides its body. */
export interface AnthropicErrorResponseInfo {
  /** The adapter's provider name, which errors about the server's own key or account name. */
  provider: string;
  status: number;
  headers: UpstreamHeaders;
  /** The `request-id` header, when present. */
  requestId: string | null;
}

/**
 * Turns a non-2xx Messages API response into the matching protocol error: the HTTP status is kept,
 * the Anthropic error type picks the code (529 `overloaded_error` → `overloaded`, retryable), and
 * `retry-after`/`retry-after-ms`/`x-should-retry` set the retry hints. What is about the server's
 * own key or account is never passed on as the caller's: `authentication_error` /
 * `permission_error` (401/403) become a 502 `upstream_auth_failed`, an empty credit balance
 * (`billing_error`, "credit balance is too low") a 502 `upstream_insufficient_quota`, both naming
 * the provider and not retryable; Anthropic's message is kept as `cause` for the server's logs.
 */
export function anthropicErrorFromResponse(
  bodyText: string,
  info: AnthropicErrorResponseInfo,
): ProtocolError {
  const parsed = AnthropicErrorBodySchema.safeParse(parseJson(bodyText));
  const body = parsed.success ? parsed.data : undefined;
  const message =
    body?.error.message ??
    `Anthropic returned HTTP ${info.status}${bodyText.trim() ? `: ${clip(bodyText.trim(), SNIPPET_LENGTH)}` : ''}`;
  const code = codeFor(body?.error.type, message, info.status);
  const requestId = info.requestId ?? body?.request_id ?? null;
  const account = { provider: info.provider, status: info.status, upstreamMessage: message, requestId };
  if (code === ErrorCode.invalidApiKey || code === ErrorCode.permissionDenied)
    return upstreamAuthFailedError(account);
  if (code === ErrorCode.insufficientQuota) return upstreamInsufficientQuotaError(account);
  const { retryable, retryAfterMs } = retryHints(info.headers);
  return createProtocolError({
    message,
    code,
    status: info.status,
    type: ERROR_CODE_INFO[code].type,
    requestId,
    ...(retryable === undefined ? {} : { retryable }),
    ...(retryAfterMs === undefined ? {} : { retryAfterMs }),
  });
}

/**
 * Turns the payload of an `event: error` (sent after the 200, e.g. `overloaded_error`) into a
 * protocol error. `streamStarted` says whether chunks were already produced: if not, the server
 * can still answer with a real HTTP error (529 for `overloaded_error`).
 */
export function anthropicStreamError(
  error: { type?: string | null; message?: string | null },
  requestId: string | null,
  streamStarted: boolean,
): ProtocolError {
  const message = error.message ?? 'The Anthropic stream reported an error.';
  const code = codeFor(error.type, message, undefined);
  return createProtocolError({ message, code, requestId, streamStarted });
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}
