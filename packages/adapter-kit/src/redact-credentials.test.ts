import { describe, expect, it } from 'vitest';
import { redactCredentials } from './redact-credentials.js';

describe('redactCredentials', () => {
  it('replaces every credential header value, a bearer token without its scheme', () => {
    const text =
      'Incorrect API key provided: sk-live-1234567890. Also x: goog-key-abcdefgh, sk-live-1234567890';
    expect(
      redactCredentials(text, {
        authorization: 'Bearer sk-live-1234567890',
        'x-goog-api-key': 'goog-key-abcdefgh',
        'content-type': 'application/json',
      }),
    ).toBe('Incorrect API key provided: [redacted]. Also x: [redacted], [redacted]');
  });

  it('leaves other headers and short values alone', () => {
    expect(
      redactCredentials('application/json 2023-06-01 abc', {
        'anthropic-version': '2023-06-01',
        'x-api-key': 'abc',
      }),
    ).toBe('application/json 2023-06-01 abc');
  });
});
