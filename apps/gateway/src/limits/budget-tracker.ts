import { periodStart } from '../ledger/budget-period.js';
import type { BudgetPeriod, Store } from '../ledger/store.js';
import { addUsd } from '../pricing/money.js';

/** What a reservation found: admitted, or refused with what was left of the budget (USD). */
export type Reservation = { readonly ok: true } | { readonly ok: false; readonly left: number };

/** Below this (USD), two amounts are equal: float sums of prices must not refuse an exact fit. */
export const CENT_FRACTION = 1e-9;

/** Whether `estimate` fits in what is `left`; also false when nothing is left at all. */
export function fits(left: number, estimate: number): boolean {
  return left > 0 && estimate <= left + CENT_FRACTION;
}

/**
 * Spend per key and budget period, by the period's start: settled cost (seeded once, from the
 * ledger) plus the reservations of requests in flight. Holds one period per key (a new period
 * starts from a new seed). The rule of {@link BudgetTracker}, without a store: the cluster's primary
 * keeps it for every worker, which read their seeds from the ledger they share.
 */
export class BudgetBook {
  readonly #spend = new Map<string, KeySpend>();

  /** Whether `keyId` is counted for the period that starts at `start` (no seed needed). */
  counts(keyId: string, start: number): boolean {
    return this.#spend.get(keyId)?.periodStart === start;
  }

  #current(keyId: string, start: number, seed: () => number): KeySpend {
    let s = this.#spend.get(keyId);
    if (!s || s.periodStart !== start) {
      s = { periodStart: start, spent: seed(), reserved: s?.reserved ?? 0 };
      this.#spend.set(keyId, s);
    }
    return s;
  }

  /** Reserves `estimate` USD, or refuses when it does not fit in what is left. */
  reserve(keyId: string, start: number, budget: number, estimate: number, seed: () => number): Reservation {
    const s = this.#current(keyId, start, seed);
    const left = budget - s.spent - s.reserved;
    if (!fits(left, estimate)) return { ok: false, left: Math.max(0, left) };
    s.reserved = addUsd(s.reserved, estimate);
    return { ok: true };
  }

  /** Replaces a reservation with the real cost. */
  settle(keyId: string, start: number, reserved: number, cost: number, seed: () => number): void {
    const s = this.#current(keyId, start, seed);
    s.reserved = Math.max(0, addUsd(s.reserved, -reserved));
    s.spent = addUsd(s.spent, cost);
  }
}

interface KeySpend {
  periodStart: number;
  spent: number;
  reserved: number;
}

/**
 * Spend per key in the current budget period: settled cost (read once from the ledger, then kept
 * in memory) plus the reservations of requests in flight. A request is admitted only when its
 * worst-case cost fits in what is left, and reserves it, so the budget is not overspent unless a
 * request costs more than its worst case was estimated (see `Accounting.admit`).
 */
export class BudgetTracker {
  readonly #store: Store;
  readonly #book = new BudgetBook();

  constructor(store: Store) {
    this.#store = store;
  }

  #seed(keyId: string, start: number): () => number {
    return () => this.#store.spentSince(keyId, start);
  }

  /** Reserves `estimate` USD, or refuses when it does not fit in what is left. */
  reserve(
    keyId: string,
    budget: number,
    period: BudgetPeriod,
    estimate: number,
    now = Date.now(),
  ): Reservation {
    const start = periodStart(period, now);
    return this.#book.reserve(keyId, start, budget, estimate, this.#seed(keyId, start));
  }

  /** Replaces a reservation with the real cost. */
  settle(keyId: string, period: BudgetPeriod, reserved: number, cost: number, now = Date.now()): void {
    const start = periodStart(period, now);
    this.#book.settle(keyId, start, reserved, cost, this.#seed(keyId, start));
  }
}
