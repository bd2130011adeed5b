import { describe, expect, it } from 'vitest';
import { PrimaryBreakers } from './primary-breakers.js';

describe('PrimaryBreakers (the cluster primary)', () => {
  it('keeps the first opener’s cooldown while it runs, and orders transitions by generation', () => {
    const breakers = new PrimaryBreakers(5_000);
    const opened = breakers.transition('d', 'open', 1_000, 0);
    expect(opened).toEqual({ reported: { s: 'open', g: 1, c: 1_000, r: 1_000, d: 'd' }, changed: true });
    // A second worker opening it too learns the running state, nothing is published.
    expect(breakers.transition('d', 'open', 9_000, 400)).toEqual({
      reported: { s: 'open', g: 1, c: 1_000, r: 600, d: 'd' },
      changed: false,
    });
    expect(breakers.snapshot(500)).toEqual([{ s: 'open', g: 1, c: 1_000, r: 500, d: 'd' }]);
    // A failed probe reopens it with the (doubled) cooldown it was given.
    expect(breakers.transition('d', 'reopen', 2_000, 1_100).reported).toMatchObject({
      s: 'open',
      g: 2,
      c: 2_000,
    });
    expect(breakers.transition('d', 'close', 0, 1_200)).toEqual({
      reported: { s: 'closed', g: 3, d: 'd' },
      changed: true,
    });
    expect(breakers.transition('d', 'close', 0, 1_300).changed).toBe(false);
    expect(breakers.snapshot()).toEqual([]);
  });

  it('lets one worker hold the half-open probe until its lease lapses', () => {
    const breakers = new PrimaryBreakers(1_000);
    expect(breakers.claim('d', 'a', 0)).toBe(true);
    expect(breakers.claim('d', 'b', 500)).toBe(false);
    expect(breakers.renew('d', 'a', 900)).toBe(true);
    expect(breakers.claim('d', 'b', 1_500)).toBe(false);
    expect(breakers.claim('d', 'b', 2_000)).toBe(true);
    expect(breakers.renew('d', 'a', 2_100)).toBe(false);
    breakers.release('d', 'b');
    expect(breakers.claim('d', 'c', 2_200)).toBe(true);
  });
});
