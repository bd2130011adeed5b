import { describe, expect, it } from 'vitest';
import { retryAfterMsFromHeaders, shouldRetryFromHeaders } from './retry-hints.js';

describe('retryAfterMsFromHeaders', () => {
  const now = Date.parse('2026-01-01T00:00:00Z');

  it('prefers retry-after-ms (a float) over retry-after', () => {
    expect(retryAfterMsFromHeaders(new Headers({ 'retry-after-ms': '12.5', 'retry-after': '3' }), now)).toBe(
      12.5,
    );
  });

  it('reads retry-after as seconds', () => {
    expect(retryAfterMsFromHeaders(new Headers({ 'retry-after': '3' }), now)).toBe(3000);
  });

  it('reads retry-after as an HTTP date, and a past date as no wait', () => {
    expect(
      retryAfterMsFromHeaders(new Headers({ 'retry-after': 'Thu, 01 Jan 2026 00:00:07 GMT' }), now),
    ).toBe(7000);
    expect(
      retryAfterMsFromHeaders(new Headers({ 'retry-after': 'Wed, 31 Dec 2025 23:00:00 GMT' }), now),
    ).toBe(0);
  });

  it('ignores absent, negative and unreadable values', () => {
    expect(retryAfterMsFromHeaders(new Headers(), now)).toBeUndefined();
    expect(retryAfterMsFromHeaders(new Headers({ 'retry-after-ms': '-5' }), now)).toBeUndefined();
    expect(retryAfterMsFromHeaders(new Headers({ 'retry-after': 'soon' }), now)).toBeUndefined();
  });

  it('falls back to retry-after when retry-after-ms is unusable', () => {
    expect(retryAfterMsFromHeaders(new Headers({ 'retry-after-ms': '-5', 'retry-after': '2' }), now)).toBe(
      2000,
    );
    expect(retryAfterMsFromHeaders(new Headers({ 'retry-after': '0' }), now)).toBe(0);
  });
});

describe('shouldRetryFromHeaders', () => {
  it('reads true and false, and nothing else', () => {
    expect(shouldRetryFromHeaders(new Headers({ 'x-should-retry': 'true' }))).toBe(true);
    expect(shouldRetryFromHeaders(new Headers({ 'x-should-retry': 'false' }))).toBe(false);
    expect(shouldRetryFromHeaders(new Headers({ 'x-should-retry': 'maybe' }))).toBeUndefined();
    expect(shouldRetryFromHeaders(new Headers({ 'x-should-retry': ' FALSE ' }))).toBe(false);
    expect(shouldRetryFromHeaders(new Headers())).toBeUndefined();
  });
});
