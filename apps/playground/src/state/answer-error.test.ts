import {
  AuthenticationError,
  ConnectionError,
  errorFromEnvelope,
  RateLimitError,
  ServerError,
} from '@switchyard/protocol';
import { describe, expect, it } from 'vitest';
import { describeError } from './answer-error.js';

describe('describeError', () => {
  it('names what went wrong and keeps the request id', () => {
    expect(
      describeError(
        new AuthenticationError({ message: 'Invalid API key.', code: 'invalid_api_key', requestId: 'req_1' }),
      ),
    ).toMatchObject({
      category: 'auth',
      title: 'API key rejected',
      status: 401,
      requestId: 'req_1',
    });
    expect(
      describeError(
        new RateLimitError({ message: 'Slow down', code: 'rate_limit_exceeded', retryAfterMs: 1500 }),
      ),
    ).toMatchObject({
      category: 'rate_limit',
      hint: expect.stringContaining('retry in 2 seconds'),
      retryAfterMs: 1500,
    });
    expect(
      describeError(
        errorFromEnvelope({ error: { message: 'Budget', code: 'budget_exceeded' } }, { status: 429 }),
      ).category,
    ).toBe('budget');
    expect(
      describeError(new ServerError({ message: 'down', code: 'upstream_error', status: 502 })).title,
    ).toBe('Upstream unavailable');
    expect(
      describeError(errorFromEnvelope({ error: { message: 'no', code: 'model_not_found' } }, { status: 404 }))
        .title,
    ).toBe('Unknown model');
    expect(
      describeError(errorFromEnvelope({ error: { message: 'bad', param: 'messages[0]' } }, { status: 400 })),
    ).toMatchObject({
      category: 'bad_request',
      param: 'messages[0]',
    });
  });

  it('tells a gateway that cannot be reached from a stream cut by it', () => {
    expect(
      describeError(new ConnectionError({ message: 'fetch failed', code: 'connection_error' })).category,
    ).toBe('network');
    expect(
      describeError(new ConnectionError({ message: 'reset', code: 'connection_error', requestId: 'r' }))
        .category,
    ).toBe('upstream');
    expect(describeError(new TypeError('Failed to fetch'))).toMatchObject({
      category: 'network',
      status: null,
    });
  });
});
