import { codeForStatus, ERROR_CODE_INFO, type ErrorCode, isRetryableStatus } from './error-codes.js';

const MARKER = Symbol.for('switchyard.protocol-error');

/** The meaning of an error, one per error class. */
export type ErrorKind =
  | 'protocol'
  | 'bad_request'
  | 'authentication'
  | 'permission_denied'
  | 'not_found'
  | 'conflict'
  | 'rate_limit'
  | 'server'
  | 'connection'
  | 'timeout'
  | 'abort';

/** The `{"error":{…}}` body every Switchyard server sends on failure. */
export interface ErrorEnvelope {
  error: {
    message: string;
    type: string;
    param: string | null;
    code: string | null;
    request_id?: string;
  };
}

/** What a {@link ProtocolError} is made of; everything but `message` has a default. */
export interface ProtocolErrorInit {
  message: string;
  /** A stable {@link ErrorCode}, or an upstream's own string code. Defaults from `status`. */
  code?: ErrorCode | (string & {});
  /** HTTP status. Defaults from `code`. */
  status?: number;
  /** Envelope `type`. Defaults from `code`. */
  type?: string;
  /** Path of the offending request field, e.g. `messages[2].tool_call_id`. */
  param?: string | null;
  requestId?: string | null;
  /** Overrides the default retry decision (e.g. from `x-should-retry`). */
  retryable?: boolean;
  /** Milliseconds the caller should wait before retrying, when the server said so. */
  retryAfterMs?: number;
  /** True when part of the response was already delivered (a stream had started). */
  streamStarted?: boolean;
  cause?: unknown;
}

/**
 * The one error type of the protocol: carries a stable `code`, the HTTP `status`, the envelope
 * `type`, the request `param` at fault, the request id, and whether a retry can help.
 * Use {@link ProtocolError.isInstance} (or a subclass's) instead of `instanceof`: it works across
 * duplicate installs of this package.
 */
export class ProtocolError extends Error {
  static readonly kind: ErrorKind = 'protocol';
  /**
   * The `name` of this class's errors, spelled out because bundlers that minify rename classes.
   * A subclass that does not set its own keeps its class name.
   */
  static readonly errorName: string = 'ProtocolError';
  readonly [MARKER] = true;
  readonly kind: ErrorKind;
  readonly status: number;
  readonly type: string;
  readonly code: string;
  readonly param: string | null;
  requestId: string | null;
  readonly isRetryable: boolean;
  readonly retryAfterMs: number | undefined;
  readonly streamStarted: boolean;

  constructor(init: ProtocolErrorInit) {
    super(init.message, init.cause === undefined ? undefined : { cause: init.cause });
    const code = init.code ?? codeForStatus(init.status ?? 500);
    const info = ERROR_CODE_INFO[code as ErrorCode];
    const Class = new.target as typeof ProtocolError;
    this.name = Object.hasOwn(Class, 'errorName') ? Class.errorName : Class.name;
    this.kind = Class.kind;
    this.code = code;
    this.status = init.status ?? info?.status ?? 500;
    this.type = init.type ?? info?.type ?? (this.status >= 500 ? 'server_error' : 'invalid_request_error');
    this.param = init.param ?? null;
    this.requestId = init.requestId ?? null;
    this.isRetryable = init.retryable ?? info?.retryable ?? isRetryableStatus(this.status);
    this.retryAfterMs = init.retryAfterMs;
    this.streamStarted = init.streamStarted ?? false;
  }

  /** True for any protocol error (on the base class) or for errors of this subclass's kind. */
  static isInstance<T extends typeof ProtocolError>(this: T, value: unknown): value is InstanceType<T> {
    if (typeof value !== 'object' || value === null || (value as Record<symbol, unknown>)[MARKER] !== true) {
      return false;
    }
    return this.kind === 'protocol' || (value as ProtocolError).kind === this.kind;
  }

  /** The wire envelope for this error. */
  toEnvelope(): ErrorEnvelope {
    const error: ErrorEnvelope['error'] = {
      message: this.message,
      type: this.type,
      param: this.param,
      code: this.code,
    };
    if (this.requestId) error.request_id = this.requestId;
    return { error };
  }

  toJSON(): ErrorEnvelope {
    return this.toEnvelope();
  }

  /**
   * A copy of this error, of the same class, with some fields changed: e.g. marked as
   * `streamStarted`, or given another request id. The original is never mutated (it may be a
   * shared constant or already be in flight elsewhere).
   */
  with(changes: Partial<ProtocolErrorInit>): this {
    const Class = this.constructor as new (init: ProtocolErrorInit) => this;
    return new Class({
      message: this.message,
      code: this.code,
      status: this.status,
      type: this.type,
      param: this.param,
      requestId: this.requestId,
      retryable: this.isRetryable,
      ...(this.retryAfterMs === undefined ? {} : { retryAfterMs: this.retryAfterMs }),
      streamStarted: this.streamStarted,
      cause: this.cause,
      ...changes,
    });
  }
}

/** 400, 413, 415, 422: the request itself is wrong. */
export class BadRequestError extends ProtocolError {
  static override readonly kind: ErrorKind = 'bad_request';
  static override readonly errorName: string = 'BadRequestError';
}
/** 401: missing or invalid API key. */
export class AuthenticationError extends ProtocolError {
  static override readonly kind: ErrorKind = 'authentication';
  static override readonly errorName: string = 'AuthenticationError';
}
/** 403: the key may not do this. */
export class PermissionDeniedError extends ProtocolError {
  static override readonly kind: ErrorKind = 'permission_denied';
  static override readonly errorName: string = 'PermissionDeniedError';
}
/** 404: unknown model or route. */
export class NotFoundError extends ProtocolError {
  static override readonly kind: ErrorKind = 'not_found';
  static override readonly errorName: string = 'NotFoundError';
}
/** 409: conflicting concurrent request. */
export class ConflictError extends ProtocolError {
  static override readonly kind: ErrorKind = 'conflict';
  static override readonly errorName: string = 'ConflictError';
}
/** 429 (and 402): rate limit, quota or budget. Check `isRetryable`: an empty balance is not. */
export class RateLimitError extends ProtocolError {
  static override readonly kind: ErrorKind = 'rate_limit';
  static override readonly errorName: string = 'RateLimitError';
}
/** 5xx: the server or an upstream failed. */
export class ServerError extends ProtocolError {
  static override readonly kind: ErrorKind = 'server';
  static override readonly errorName: string = 'ServerError';
}
/** No HTTP response: refused, reset, DNS, TLS. */
export class ConnectionError extends ProtocolError {
  static override readonly kind: ErrorKind = 'connection';
  static override readonly errorName: string = 'ConnectionError';
}
/** A total or idle timeout expired. */
export class TimeoutError extends ProtocolError {
  static override readonly kind: ErrorKind = 'timeout';
  static override readonly errorName: string = 'TimeoutError';
}
/** The caller aborted the request. */
export class AbortError extends ProtocolError {
  static override readonly kind: ErrorKind = 'abort';
  static override readonly errorName: string = 'AbortError';
}

function classFor(code: string, status: number): typeof ProtocolError {
  if (code === 'connection_error') return ConnectionError;
  if (code === 'timeout' && status !== 504) return TimeoutError;
  if (code === 'aborted') return AbortError;
  if (status === 401) return AuthenticationError;
  if (status === 403) return PermissionDeniedError;
  if (status === 404) return NotFoundError;
  if (status === 409) return ConflictError;
  if (status === 429 || status === 402) return RateLimitError;
  if (status >= 500) return ServerError;
  if (status >= 400) return BadRequestError;
  return ProtocolError;
}

/** Builds the error subclass that matches the code and status (e.g. 429 → {@link RateLimitError}). */
export function createProtocolError(init: ProtocolErrorInit): ProtocolError {
  const code = init.code ?? codeForStatus(init.status ?? 500);
  const status = init.status ?? ERROR_CODE_INFO[code as ErrorCode]?.status ?? 500;
  const Class = classFor(code, status);
  return new Class({ ...init, code, status });
}

function stringOrNull(value: unknown): string | null {
  if (typeof value === 'string') return value;
  if (typeof value === 'number') return String(value);
  return null;
}

/**
 * Reads an error body from any OpenAI-compatible server (`{"error":{…}}`, vLLM's
 * `{"object":"error",…}`, a bare string) into the matching error subclass.
 */
export function errorFromEnvelope(
  body: unknown,
  init: { status?: number; requestId?: string | null; retryable?: boolean; retryAfterMs?: number } = {},
): ProtocolError {
  const status = init.status;
  let message: string | undefined;
  let code: string | null = null;
  let type: string | null = null;
  let param: string | null = null;
  let requestId = init.requestId ?? null;
  const outer = typeof body === 'object' && body !== null ? (body as Record<string, unknown>) : undefined;
  const inner = outer && typeof outer.error === 'object' && outer.error !== null ? outer.error : outer;
  if (typeof body === 'string') message = body;
  else if (outer && typeof outer.error === 'string') message = outer.error;
  if (inner && typeof inner === 'object') {
    const e = inner as Record<string, unknown>;
    if (typeof e.message === 'string') message = e.message;
    else if (e.message !== undefined) message = JSON.stringify(e.message);
    code = stringOrNull(e.code);
    type = stringOrNull(e.type);
    param = stringOrNull(e.param);
    requestId ??= stringOrNull(e.request_id);
  }
  const knownCode = code !== null && code in ERROR_CODE_INFO ? code : undefined;
  const resolvedStatus = status ?? (knownCode ? ERROR_CODE_INFO[knownCode as ErrorCode].status : 500);
  return createProtocolError({
    message: message ?? `Request failed with status ${resolvedStatus}`,
    code: code ?? codeForStatus(resolvedStatus),
    status: resolvedStatus,
    ...(type ? { type } : {}),
    param,
    requestId,
    ...(init.retryable === undefined ? {} : { retryable: init.retryable }),
    ...(init.retryAfterMs === undefined ? {} : { retryAfterMs: init.retryAfterMs }),
  });
}

/**
 * Normalises anything thrown into a {@link ProtocolError}: protocol errors pass through, abort
 * and timeout DOMExceptions map to their classes, anything else becomes a 500 that does not leak
 * its internal message.
 */
export function toProtocolError(value: unknown, requestId?: string | null): ProtocolError {
  if (ProtocolError.isInstance(value)) {
    if (requestId && !value.requestId) value.requestId = requestId;
    return value;
  }
  const name = typeof value === 'object' && value !== null ? (value as { name?: unknown }).name : undefined;
  if (name === 'AbortError') {
    return new AbortError({ message: 'The request was aborted.', code: 'aborted', requestId, cause: value });
  }
  if (name === 'TimeoutError') {
    return new TimeoutError({ message: 'The request timed out.', code: 'timeout', requestId, cause: value });
  }
  return new ServerError({
    message: 'The server had an error while processing your request.',
    code: 'server_error',
    requestId,
    cause: value,
  });
}
