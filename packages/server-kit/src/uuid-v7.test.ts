import { describe, expect, it } from 'vitest';
import { resolveRequestId } from './request-id.js';
import { uuidV7 } from './uuid-v7.js';

describe('uuidV7', () => {
  it('is a version 7 UUID whose first 48 bits are the time in milliseconds', () => {
    const id = uuidV7(Date.UTC(2026, 10, 26, 12, 0, 0, 123));
    expect(id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(Number.parseInt(id.slice(0, 8) + id.slice(9, 13), 16)).toBe(Date.UTC(2026, 10, 26, 12, 0, 0, 123));
  });

  it('sorts later ids after earlier ones and never repeats', () => {
    const ids = [uuidV7(1_000), uuidV7(1_001), uuidV7(1_002), uuidV7(2 ** 40)];
    expect([...ids].sort()).toEqual(ids);
    const many = new Set(Array.from({ length: 10_000 }, () => uuidV7(5_000)));
    expect(many.size).toBe(10_000);
  });

  it('makes the generated request ids time-ordered too', () => {
    const first = resolveRequestId(undefined);
    const id = first.slice(4);
    expect(first).toMatch(/^req_[0-9a-f]{32}$/);
    expect(id[12]).toBe('7');
    expect(Math.abs(Number.parseInt(id.slice(0, 12), 16) - Date.now())).toBeLessThan(60_000);
  });
});
