import { periodStart } from '../ledger/budget-period.js';
import type { BudgetPeriod, Store } from '../ledger/store.js';
import { addUsd } from '../pricing/money.js';

interface KeySpend {
  periodStart: number;
  spent: number;
  reserved: number;
}

/** What a reservation found: admitted, or refused with what was left of the budget (USD). */
export type Reservation = { readonly ok: true } | { readonly ok: false; readonly left: number };

/** Below this (USD), two amounts are equal: float sums of prices must not refuse an exact fit. */
export const CENT_FRACTION = 1e-9;

/** Whether `estimate` fits in what is `left`; also false when nothing is left at all. */
export function fits(left: number, estimate: number): boolean {
  return left > 0 && estimate <= left + CENT_FRACTION;
}

/**
 * Spend per key in the current budget period: settled cost (read once from the ledger, then kept
 * in memory) plus the reservations of requests in flight. A request is admitted only when its
 * worst-case cost fits in what is left, and reserves it, so the budget is not overspent unless a
 * request costs more than its worst case was estimated (see `Accounting.admit`).
 */
export class BudgetTracker {
  readonly #store: Store;
  readonly #spend = new Map<string, KeySpend>();

  constructor(store: Store) {
    this.#store = store;
  }

  #current(keyId: string, period: BudgetPeriod, now: number): KeySpend {
    const start = periodStart(period, now);
    let s = this.#spend.get(keyId);
    if (!s || s.periodStart !== start) {
      s = { periodStart: start, spent: this.#store.spentSince(keyId, start), reserved: s?.reserved ?? 0 };
      this.#spend.set(keyId, s);
    }
    return s;
  }

  /** Reserves `estimate` USD, or refuses when it does not fit in what is left. */
  reserve(
    keyId: string,
    budget: number,
    period: BudgetPeriod,
    estimate: number,
    now = Date.now(),
  ): Reservation {
    const s = this.#current(keyId, period, now);
    const left = budget - s.spent - s.reserved;
    if (!fits(left, estimate)) return { ok: false, left: Math.max(0, left) };
    s.reserved = addUsd(s.reserved, estimate);
    return { ok: true };
  }

  /** Replaces a reservation with the real cost. */
  settle(keyId: string, period: BudgetPeriod, reserved: number, cost: number, now = Date.now()): void {
    const s = this.#current(keyId, period, now);
    s.reserved = Math.max(0, addUsd(s.reserved, -reserved));
    s.spent = addUsd(s.spent, cost);
  }

  remaining(keyId: string, budget: number, period: BudgetPeriod, now = Date.now()): number {
    const s = this.#current(keyId, period, now);
    return Math.max(0, budget - s.spent - s.reserved);
  }
}
