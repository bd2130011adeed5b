import {
  BadRequestError,
  codeForStatus,
  createProtocolError,
  ErrorCode,
  type ProtocolError,
  upstreamAuthFailedError,
  upstreamInsufficientQuotaError,
} from '@switchyard/protocol';

/** A 400 for a request this adapter cannot translate; `param` is the offending request path. */
export function invalidRequest(message: string, param: string | null = null): ProtocolError {
  return new BadRequestError({ message, param, code: ErrorCode.invalidRequest });
}

/** A 400 for a request field Gemini has no equivalent for. */
export function unsupportedParameter(
  param: string,
  reason = 'is not supported by the Gemini adapter',
): ProtocolError {
  return new BadRequestError({ message: `${param} ${reason}.`, param, code: ErrorCode.unsupportedParameter });
}

interface GoogleRpcError {
  code?: unknown;
  message?: unknown;
  status?: unknown;
  details?: unknown;
}

interface UpstreamErrorInit {
  /** The adapter's provider name, which errors about the server's own key or account name. */
  provider: string;
  status: number;
  body: unknown;
  requestId?: string | null;
  /** The `retry-after` response header in milliseconds, when there was one. */
  retryAfterMs?: number | undefined;
}

/**
 * Turns a Gemini error (`{"error":{code,message,status,details}}`, gRPC status names) into the
 * protocol error a client of an OpenAI-compatible server expects. What is about the server's own
 * key or account is never passed on as the caller's: a refused key (Gemini answers 400
 * INVALID_ARGUMENT `API_KEY_INVALID`, or UNAUTHENTICATED / PERMISSION_DENIED) becomes a 502
 * `upstream_auth_failed`, prepaid credit running out (402, or a 429 that says so) a 502
 * `upstream_insufficient_quota`, both naming the provider and not retryable; Gemini's message is
 * kept as `cause` for the server's logs.
 */
export function errorFromGemini(init: UpstreamErrorInit): ProtocolError {
  const rpc = readRpcError(init.body);
  const message =
    typeof rpc?.message === 'string' && rpc.message !== ''
      ? rpc.message
      : `Gemini request failed with status ${init.status}.`;
  const grpcStatus = typeof rpc?.status === 'string' ? rpc.status : undefined;
  const details = Array.isArray(rpc?.details) ? (rpc.details as unknown[]) : [];
  const reasons = details.flatMap((detail) => {
    const reason = (detail as { reason?: unknown } | null)?.reason;
    return typeof reason === 'string' ? [reason] : [];
  });
  const { code, status, retryable } = classify(init.status, grpcStatus, reasons, message);
  const account = {
    provider: init.provider,
    status: init.status,
    upstreamMessage: message,
    requestId: init.requestId ?? null,
  };
  if (code === ErrorCode.invalidApiKey || code === ErrorCode.permissionDenied)
    return upstreamAuthFailedError(account);
  if (code === ErrorCode.insufficientQuota) return upstreamInsufficientQuotaError(account);
  const retryAfterMs = retryDelayMs(details) ?? init.retryAfterMs;
  return createProtocolError({
    message,
    code,
    status,
    requestId: init.requestId ?? null,
    ...(retryable === undefined ? {} : { retryable }),
    ...(retryAfterMs === undefined ? {} : { retryAfterMs }),
    // No `cause`: Gemini's DebugInfo details can quote the API key, and causes end up in logs.
  });
}

function classify(
  httpStatus: number,
  grpcStatus: string | undefined,
  reasons: string[],
  message: string,
): { code: string; status: number; retryable?: boolean } {
  if (reasons.includes('API_KEY_INVALID') || grpcStatus === 'UNAUTHENTICATED' || httpStatus === 401) {
    return { code: ErrorCode.invalidApiKey, status: 401 };
  }
  if (
    httpStatus === 402 ||
    (grpcStatus === 'RESOURCE_EXHAUSTED' &&
      /prepa(y|id)|credits? (are |is )?(depleted|exhausted)/i.test(message))
  ) {
    return { code: ErrorCode.insufficientQuota, status: httpStatus === 402 ? 402 : 429, retryable: false };
  }
  switch (grpcStatus) {
    case 'INVALID_ARGUMENT':
    case 'FAILED_PRECONDITION':
    case 'OUT_OF_RANGE':
      return {
        code: /token count.*exceeds|exceeds the maximum number of tokens/i.test(message)
          ? ErrorCode.contextLengthExceeded
          : ErrorCode.invalidRequest,
        status: 400,
      };
    case 'PERMISSION_DENIED':
      return { code: ErrorCode.permissionDenied, status: 403 };
    case 'NOT_FOUND':
      return { code: /models\//.test(message) ? ErrorCode.modelNotFound : ErrorCode.notFound, status: 404 };
    case 'ABORTED':
      return { code: ErrorCode.conflict, status: 409 };
    case 'RESOURCE_EXHAUSTED':
      return { code: ErrorCode.rateLimitExceeded, status: 429 };
    case 'INTERNAL':
    case 'UNKNOWN':
    case 'DATA_LOSS':
      return { code: ErrorCode.serverError, status: 500 };
    case 'UNIMPLEMENTED':
      return { code: ErrorCode.invalidRequest, status: 400 };
    case 'UNAVAILABLE':
      return {
        code: /overloaded/i.test(message) ? ErrorCode.overloaded : ErrorCode.serverError,
        status: 503,
      };
    case 'DEADLINE_EXCEEDED':
      return { code: ErrorCode.timeout, status: 504 };
    default:
      return { code: codeForStatus(httpStatus), status: httpStatus >= 400 ? httpStatus : 502 };
  }
}

function readRpcError(body: unknown): GoogleRpcError | undefined {
  // `streamGenerateContent` without `alt=sse` wraps errors in an array; accept both shapes.
  const outer = Array.isArray(body) ? body[0] : body;
  if (typeof outer !== 'object' || outer === null) return undefined;
  const error = (outer as { error?: unknown }).error;
  return typeof error === 'object' && error !== null ? (error as GoogleRpcError) : undefined;
}

/** `google.rpc.RetryInfo.retryDelay` is a protobuf Duration string such as `"22s"` or `"1.5s"`. */
function retryDelayMs(details: unknown[]): number | undefined {
  for (const detail of details) {
    const delay = (detail as { retryDelay?: unknown } | null)?.retryDelay;
    if (typeof delay === 'string') {
      const match = /^(\d+(?:\.\d+)?)s$/.exec(delay);
      if (match?.[1]) return Math.round(Number(match[1]) * 1000);
    }
  }
  return undefined;
}
