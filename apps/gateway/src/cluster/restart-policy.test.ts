import { expect, it } from 'vitest';
import { RestartPolicy } from './restart-policy.js';

it('replaces a dying worker after 0.5 s, doubling while replacements die young, up to 30 s', () => {
  const policy = new RestartPolicy();
  const young = Array.from({ length: 9 }, () => policy.delayAfter(1_000));
  expect(young).toEqual([500, 1_000, 2_000, 4_000, 8_000, 16_000, 30_000, 30_000, 30_000]);
  // A worker that lived long was healthy: the delays start over.
  expect(policy.delayAfter(60_000)).toBe(500);
});
