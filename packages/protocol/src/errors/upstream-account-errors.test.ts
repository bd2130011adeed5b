import { describe, expect, it } from 'vitest';
import { ERROR_CODE_INFO } from './error-codes.js';
import { AuthenticationError, createProtocolError, ServerError } from './protocol-error.js';
import { upstreamAuthFailedError, upstreamInsufficientQuotaError } from './upstream-account-errors.js';

describe('upstream account errors', () => {
  it('a rejected provider key is a 502 upstream_auth_failed naming the provider, not a 401', () => {
    const error = upstreamAuthFailedError({
      provider: 'token360',
      status: 401,
      upstreamMessage: 'Incorrect API key provided',
      requestId: 'req_1',
    });
    expect(ServerError.isInstance(error)).toBe(true);
    expect(AuthenticationError.isInstance(error)).toBe(false);
    expect([error.status, error.code, error.type, error.isRetryable]).toEqual([
      502,
      'upstream_auth_failed',
      'server_error',
      false,
    ]);
    expect(error.message).toContain("Provider 'token360'");
    expect(error.message).toContain('operator must fix the key');
    // The upstream's words stay server-side.
    expect(error.message).not.toContain('Incorrect API key provided');
    expect((error.cause as Error).message).toBe('Incorrect API key provided');
    expect(error.toEnvelope().error).toMatchObject({ code: 'upstream_auth_failed', request_id: 'req_1' });
  });

  it('an empty provider balance is a 502 upstream_insufficient_quota, not retryable', () => {
    const error = upstreamInsufficientQuotaError({ provider: 'token360', status: 402 });
    expect([error.status, error.code, error.isRetryable]).toEqual([
      502,
      'upstream_insufficient_quota',
      false,
    ]);
    expect(error.message).toContain("Provider 'token360'");
    expect(error.cause).toBeUndefined();
  });

  it("the server's own 401 is OpenAI's invalid_request_error / invalid_api_key (protocol.md §4.2)", () => {
    expect(ERROR_CODE_INFO.invalid_api_key).toEqual({
      status: 401,
      type: 'invalid_request_error',
      retryable: false,
    });
    const error = createProtocolError({ message: 'Incorrect API key provided.', code: 'invalid_api_key' });
    expect(AuthenticationError.isInstance(error)).toBe(true);
    expect(error.toEnvelope().error.type).toBe('invalid_request_error');
  });
});
