import { describe, expect, it } from 'vitest';
import {
  AbortError,
  AuthenticationError,
  BadRequestError,
  ConflictError,
  ConnectionError,
  createProtocolError,
  errorFromEnvelope,
  NotFoundError,
  PermissionDeniedError,
  ProtocolError,
  RateLimitError,
  ServerError,
  TimeoutError,
  toProtocolError,
} from './protocol-error.js';

describe('ProtocolError', () => {
  it('fills status, type and retryability from the code', () => {
    const e = createProtocolError({ message: 'slow down', code: 'rate_limit_exceeded' });
    expect(e).toBeInstanceOf(RateLimitError);
    expect([e.status, e.type, e.isRetryable]).toEqual([429, 'rate_limit_error', true]);
  });

  it('marks an exhausted budget as not retryable even though it is a 429', () => {
    const e = createProtocolError({ message: 'budget', code: 'budget_exceeded' });
    expect(RateLimitError.isInstance(e)).toBe(true);
    expect(e.isRetryable).toBe(false);
  });

  it('isInstance works across copies of the class (duplicate installs)', () => {
    const foreign = Object.assign(Object.create(null), {
      [Symbol.for('switchyard.protocol-error')]: true,
      kind: 'not_found',
    });
    expect(ProtocolError.isInstance(foreign)).toBe(true);
    expect(NotFoundError.isInstance(foreign)).toBe(true);
    expect(RateLimitError.isInstance(foreign)).toBe(false);
    expect(ProtocolError.isInstance(new Error('x'))).toBe(false);
  });

  it('round-trips through the wire envelope', () => {
    const e = new BadRequestError({
      message: 'messages[2].tool_call_id is required',
      code: 'invalid_request',
      param: 'messages[2].tool_call_id',
      requestId: 'req_1',
    });
    const back = errorFromEnvelope(JSON.parse(JSON.stringify(e)), { status: 400 });
    expect(back).toBeInstanceOf(BadRequestError);
    expect(back.toEnvelope()).toStrictEqual(e.toEnvelope());
  });

  it('reads upstream shapes: vLLM object errors and numeric codes', () => {
    const vllm = errorFromEnvelope(
      { object: 'error', message: 'bad', type: 'BadRequestError', code: 400 },
      { status: 400 },
    );
    expect([vllm.message, vllm.code, vllm.status]).toEqual(['bad', '400', 400]);
    const openrouter = errorFromEnvelope({ error: { code: 402, message: 'no credits' } }, { status: 402 });
    expect(RateLimitError.isInstance(openrouter)).toBe(true);
    const bare = errorFromEnvelope('upstream exploded', { status: 503 });
    expect(bare).toBeInstanceOf(ServerError);
    expect(bare.isRetryable).toBe(true);
  });

  it('copies itself with changed fields, keeping its class and leaving the original alone', () => {
    const original = createProtocolError({
      message: 'slow down',
      code: 'rate_limit_exceeded',
      retryAfterMs: 250,
    });
    const copy = original.with({ streamStarted: true, requestId: 'req_2' });
    expect(copy).toBeInstanceOf(RateLimitError);
    expect([copy.message, copy.code, copy.status, copy.retryAfterMs]).toEqual([
      'slow down',
      'rate_limit_exceeded',
      429,
      250,
    ]);
    expect([copy.streamStarted, copy.requestId]).toEqual([true, 'req_2']);
    expect([original.streamStarted, original.requestId]).toEqual([false, null]);
  });

  it('normalises anything thrown without leaking internal messages', () => {
    const e = toProtocolError(new TypeError('secret internals'), 'req_9');
    expect(e.status).toBe(500);
    expect(e.message).not.toContain('secret');
    expect(e.requestId).toBe('req_9');
    expect(toProtocolError(new DOMException('x', 'AbortError'))).toBeInstanceOf(AbortError);
  });
});

describe('error names', () => {
  const classes = {
    ProtocolError,
    BadRequestError,
    AuthenticationError,
    PermissionDeniedError,
    NotFoundError,
    ConflictError,
    RateLimitError,
    ServerError,
    ConnectionError,
    TimeoutError,
    AbortError,
  };

  it.each(Object.entries(classes))('%s keeps its name when a minifier renames the class', (name, Class) => {
    const original = Object.getOwnPropertyDescriptor(Class, 'name') as PropertyDescriptor;
    // What a minified browser bundle does: `class BadRequestError` becomes `class e`.
    Object.defineProperty(Class, 'name', { value: 'e' });
    try {
      const error = new Class({ message: 'boom' });
      expect(error.name).toBe(name);
      expect(String(error)).toBe(`${name}: boom`);
      expect(error.with({ streamStarted: true }).name).toBe(name);
    } finally {
      Object.defineProperty(Class, 'name', original);
    }
  });

  it('errors built from a code or an envelope carry the stable name', () => {
    expect(createProtocolError({ message: 'x', code: 'rate_limit_exceeded' }).name).toBe('RateLimitError');
    expect(errorFromEnvelope({ error: { message: 'x', code: 'timeout' } }, { status: 504 }).name).toBe(
      'ServerError',
    );
  });

  it('a subclass outside the package that sets no errorName keeps its own class name', () => {
    class QuotaError extends RateLimitError {}
    expect(new QuotaError({ message: 'x' }).name).toBe('QuotaError');
  });
});
