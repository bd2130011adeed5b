import type { BudgetPeriod, Store } from './store.js';

export function periodStart(period: BudgetPeriod, now: number): number {
  if (period === 'total') return 0;
  const d = new Date(now);
  const day = Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), d.getUTCDate());
  if (period === 'day') return day;
  if (period === 'week') return day - ((d.getUTCDay() + 6) % 7) * 86_400_000;
  return Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), 1);
}

interface KeySpend {
  periodStart: number;
  spent: number;
  reserved: number;
}

/**
 * Spend per key in the current budget period: settled cost (read once from the ledger, then kept
 * in memory) plus the reservations of requests in flight. A request is admitted while anything is
 * left, and reserves its worst-case cost, so a budget can be overspent by at most one request.
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

  /** Reserves `estimate` USD, or returns false when the budget is used up. */
  reserve(keyId: string, budget: number, period: BudgetPeriod, estimate: number, now = Date.now()): boolean {
    const s = this.#current(keyId, period, now);
    if (s.spent + s.reserved >= budget) return false;
    s.reserved += estimate;
    return true;
  }

  /** Replaces a reservation with the real cost. */
  settle(keyId: string, period: BudgetPeriod, reserved: number, cost: number, now = Date.now()): void {
    const s = this.#current(keyId, period, now);
    s.reserved = Math.max(0, s.reserved - reserved);
    s.spent += cost;
  }

  remaining(keyId: string, budget: number, period: BudgetPeriod, now = Date.now()): number {
    const s = this.#current(keyId, period, now);
    return Math.max(0, budget - s.spent - s.reserved);
  }
}
