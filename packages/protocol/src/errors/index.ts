export {
  codeForStatus,
  ERROR_CODE_INFO,
  ErrorCode,
  type ErrorType,
  isRetryableStatus,
} from './error-codes.js';
export {
  AbortError,
  AuthenticationError,
  BadRequestError,
  ConflictError,
  ConnectionError,
  createProtocolError,
  type ErrorEnvelope,
  type ErrorKind,
  errorFromEnvelope,
  NotFoundError,
  PermissionDeniedError,
  ProtocolError,
  type ProtocolErrorInit,
  RateLimitError,
  ServerError,
  TimeoutError,
  toProtocolError,
} from './protocol-error.js';
export { retryAfterMsFromHeaders, shouldRetryFromHeaders } from './retry-hints.js';
export {
  type UpstreamAccountErrorInit,
  upstreamAuthFailedError,
  upstreamInsufficientQuotaError,
} from './upstream-account-errors.js';
