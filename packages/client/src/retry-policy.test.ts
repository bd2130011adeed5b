import { describe, expect, it } from 'vitest';
import { MAX_RETRY_DELAY_MS, retryDelayMs } from './retry-policy.js';

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
