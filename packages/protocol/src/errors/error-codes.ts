/**
 * Stable error codes shared by client, server and gateway. The string values are part of the
 * public contract: they appear in the `code` field of the error envelope.
 */
export const ErrorCode = {
  invalidRequest: 'invalid_request',
  invalidJson: 'invalid_json',
  bodyTooLarge: 'body_too_large',
  unsupportedMediaType: 'unsupported_media_type',
  invalidApiKey: 'invalid_api_key',
  permissionDenied: 'permission_denied',
  modelNotFound: 'model_not_found',
  notFound: 'not_found',
  methodNotAllowed: 'method_not_allowed',
  conflict: 'conflict',
  unsupportedParameter: 'unsupported_parameter',
  contextLengthExceeded: 'context_length_exceeded',
  rateLimitExceeded: 'rate_limit_exceeded',
  insufficientQuota: 'insufficient_quota',
  budgetExceeded: 'budget_exceeded',
  serverError: 'server_error',
  overloaded: 'overloaded',
  upstreamError: 'upstream_error',
  /** The upstream refused the server's own provider credential (upstream 401/403): the operator must fix it. */
  upstreamAuthFailed: 'upstream_auth_failed',
  /** The server's account at the upstream has no balance or quota left (upstream 402, empty balance). */
  upstreamInsufficientQuota: 'upstream_insufficient_quota',
  badResponse: 'bad_response',
  streamIncomplete: 'stream_incomplete',
  timeout: 'timeout',
  connectionError: 'connection_error',
  aborted: 'aborted',
} as const;

/** One of the stable string codes in {@link ErrorCode}. */
export type ErrorCode = (typeof ErrorCode)[keyof typeof ErrorCode];

/** The `type` field of the error envelope, as OpenAI-compatible clients expect it. */
export type ErrorType =
  | 'invalid_request_error'
  | 'permission_error'
  | 'not_found_error'
  | 'rate_limit_error'
  | 'insufficient_quota'
  | 'server_error'
  | 'timeout_error'
  | 'connection_error'
  | 'abort_error';

interface CodeInfo {
  readonly status: number;
  readonly type: ErrorType;
  readonly retryable: boolean;
}

/** HTTP status, envelope type and default retryability for each code. */
export const ERROR_CODE_INFO: Readonly<Record<ErrorCode, CodeInfo>> = {
  invalid_request: { status: 400, type: 'invalid_request_error', retryable: false },
  invalid_json: { status: 400, type: 'invalid_request_error', retryable: false },
  body_too_large: { status: 413, type: 'invalid_request_error', retryable: false },
  unsupported_media_type: { status: 415, type: 'invalid_request_error', retryable: false },
  // OpenAI answers a bad key with `invalid_request_error` / `invalid_api_key` (protocol.md §4.2).
  invalid_api_key: { status: 401, type: 'invalid_request_error', retryable: false },
  permission_denied: { status: 403, type: 'permission_error', retryable: false },
  model_not_found: { status: 404, type: 'not_found_error', retryable: false },
  not_found: { status: 404, type: 'not_found_error', retryable: false },
  method_not_allowed: { status: 405, type: 'invalid_request_error', retryable: false },
  conflict: { status: 409, type: 'invalid_request_error', retryable: true },
  unsupported_parameter: { status: 400, type: 'invalid_request_error', retryable: false },
  context_length_exceeded: { status: 400, type: 'invalid_request_error', retryable: false },
  rate_limit_exceeded: { status: 429, type: 'rate_limit_error', retryable: true },
  insufficient_quota: { status: 429, type: 'insufficient_quota', retryable: false },
  budget_exceeded: { status: 429, type: 'insufficient_quota', retryable: false },
  server_error: { status: 500, type: 'server_error', retryable: true },
  overloaded: { status: 529, type: 'server_error', retryable: true },
  upstream_error: { status: 502, type: 'server_error', retryable: true },
  upstream_auth_failed: { status: 502, type: 'server_error', retryable: false },
  upstream_insufficient_quota: { status: 502, type: 'server_error', retryable: false },
  bad_response: { status: 502, type: 'server_error', retryable: false },
  stream_incomplete: { status: 502, type: 'server_error', retryable: false },
  timeout: { status: 504, type: 'timeout_error', retryable: true },
  connection_error: { status: 502, type: 'connection_error', retryable: true },
  aborted: { status: 499, type: 'abort_error', retryable: false },
};

/**
 * The code that best describes a bare HTTP status, for errors that arrive without one of ours.
 * String literals (type-checked as {@link ErrorCode}) rather than `ErrorCode.x`: code the client
 * bundles then leaves the `ErrorCode` object out (about 200 bytes gzipped).
 */
export function codeForStatus(status: number): ErrorCode {
  switch (status) {
    case 400:
    case 422:
      return 'invalid_request';
    case 401:
      return 'invalid_api_key';
    case 402:
      return 'insufficient_quota';
    case 403:
      return 'permission_denied';
    case 404:
      return 'not_found';
    case 405:
      return 'method_not_allowed';
    case 408:
    case 504:
      return 'timeout';
    case 409:
      return 'conflict';
    case 413:
      return 'body_too_large';
    case 415:
      return 'unsupported_media_type';
    case 429:
      return 'rate_limit_exceeded';
    case 529:
      return 'overloaded';
    default:
      return status >= 500 ? 'server_error' : 'invalid_request';
  }
}

/** Whether a bare HTTP status is worth retrying (408, 409, 429 and 5xx). */
export function isRetryableStatus(status: number): boolean {
  return status === 408 || status === 409 || status === 429 || status >= 500;
}
