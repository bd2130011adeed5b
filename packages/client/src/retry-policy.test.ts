import { describe, expect, it } from 'vitest';
import { MAX_RETRY_DELAY_MS, retryAfterMs, retryDelayMs, shouldRetryHeader } from './retry-policy.js';

describe('retryAfterMs', () => {
  const now = Date.parse('2026-01-01T00:00:00Z');

  it('prefers retry-after-ms (a float) over retry-after', () => {
    expect(retryAfterMs(new Headers({ 'retry-after-ms': '12.5', 'retry-after': '3' }), now)).toBe(12.5);
  });

  it('reads retry-after as seconds', () => {
    expect(retryAfterMs(new Headers({ 'retry-after': '3' }), now)).toBe(3000);
  });

  it('reads retry-after as an HTTP date, and a past date as no wait', () => {
    expect(retryAfterMs(new Headers({ 'retry-after': 'Thu, 01 Jan 2026 00:00:07 GMT' }), now)).toBe(7000);
    expect(retryAfterMs(new Headers({ 'retry-after': 'Wed, 31 Dec 2025 23:00:00 GMT' }), now)).toBe(0);
  });

  it('ignores absent, negative and unreadable values', () => {
    expect(retryAfterMs(new Headers(), now)).toBeUndefined();
    expect(retryAfterMs(new Headers({ 'retry-after-ms': '-5' }), now)).toBeUndefined();
    expect(retryAfterMs(new Headers({ 'retry-after': 'soon' }), now)).toBeUndefined();
  });
});

describe('retryDelayMs', () => {
  it('uses the hint, capped at 60 s', () => {
    expect(retryDelayMs(250, 0)).toBe(250);
    expect(retryDelayMs(3_600_000, 0)).toBe(MAX_RETRY_DELAY_MS);
  });

  it('backs off exponentially from 0.5 s to 8 s with at most 25% jitter', () => {
    for (const [retry, base] of [
      [0, 500],
      [1, 1000],
      [3, 4000],
      [4, 8000],
      [9, 8000],
    ] as const) {
      const delay = retryDelayMs(undefined, retry);
      expect(delay).toBeLessThanOrEqual(base);
      expect(delay).toBeGreaterThanOrEqual(base * 0.75);
    }
  });
});

describe('shouldRetryHeader', () => {
  it('reads true and false, and nothing else', () => {
    expect(shouldRetryHeader(new Headers({ 'x-should-retry': 'true' }))).toBe(true);
    expect(shouldRetryHeader(new Headers({ 'x-should-retry': 'false' }))).toBe(false);
    expect(shouldRetryHeader(new Headers({ 'x-should-retry': 'maybe' }))).toBeUndefined();
    expect(shouldRetryHeader(new Headers())).toBeUndefined();
  });
});
