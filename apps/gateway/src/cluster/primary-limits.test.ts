import { describe, expect, it } from 'vitest';
import { PrimaryLimits } from './primary-limits.js';

const reserve = (seed: number | null, estimate = 3) =>
  ({ kind: 'reserve', id: 1, keyId: 'k', start: 1000, budget: 10, estimate, seed }) as const;

describe('PrimaryLimits (the cluster primary)', () => {
  it('admits exactly the limit, whichever worker asks', () => {
    const limits = new PrimaryLimits();
    const take = {
      kind: 'take',
      id: 1,
      keyId: 'k',
      limits: { rpm: 60, tpm: null },
      tokens: 1,
      now: 5_000,
    } as const;
    const admitted = Array.from({ length: 100 }, () => limits.take(take)).filter((d) => d.ok);
    expect(admitted).toHaveLength(60);
  });

  it('asks for the ledger seed once per key and period, then reserves against it', () => {
    const limits = new PrimaryLimits();
    expect(limits.reserve(reserve(null))).toBe('seed_needed');
    expect(limits.reserve(reserve(4))).toEqual({ ok: true });
    // 4 spent + 3 reserved: 3 left, then nothing.
    expect(limits.reserve(reserve(null))).toEqual({ ok: true });
    expect(limits.reserve(reserve(null))).toEqual({ ok: false, left: 0 });
    limits.settle({ kind: 'settle', keyId: 'k', start: 1000, reserved: 3, cost: 1 });
    expect(limits.reserve(reserve(null, 2))).toEqual({ ok: true });
  });

  it('ignores a settlement for a period nobody reserved in', () => {
    const limits = new PrimaryLimits();
    limits.settle({ kind: 'settle', keyId: 'k', start: 1000, reserved: 3, cost: 1 });
    expect(limits.reserve(reserve(null))).toBe('seed_needed');
  });
});
