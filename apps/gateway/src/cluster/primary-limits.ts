import { BudgetBook, type Reservation } from '../limits/budget-tracker.js';
import { type RateDecision, RateLimiter } from '../limits/rate-limiter.js';
import type { WorkerCall, WorkerTell } from './ipc-messages.js';

/**
 * The cluster's rate limits and budgets, in the primary: the same `RateLimiter` and budget rule
 * (`BudgetBook`) as a single process, answering every worker's checks one at a time, so that the
 * workers together admit exactly what one process would.
 */
export class PrimaryLimits {
  readonly #limiter = new RateLimiter();
  readonly #budgets = new BudgetBook();

  take({ keyId, limits, tokens, now }: Extract<WorkerCall, { kind: 'take' }>): RateDecision {
    return this.#limiter.take(keyId, limits, tokens, now);
  }

  adjust({ keyId, delta, now }: Extract<WorkerTell, { kind: 'adjust' }>): void {
    this.#limiter.adjustTokens(keyId, delta, now);
  }

  /** A reservation, or `seed_needed` the first time this key and period are counted without a seed. */
  reserve({
    keyId,
    start,
    budget,
    estimate,
    seed,
  }: Extract<WorkerCall, { kind: 'reserve' }>): Reservation | 'seed_needed' {
    if (seed === null && !this.#budgets.counts(keyId, start)) return 'seed_needed';
    return this.#budgets.reserve(keyId, start, budget, estimate, () => seed ?? 0);
  }

  /** Ignored for a period nobody reserved in (one that began since the request was admitted). */
  settle({ keyId, start, reserved, cost }: Extract<WorkerTell, { kind: 'settle' }>): void {
    if (this.#budgets.counts(keyId, start)) this.#budgets.settle(keyId, start, reserved, cost, () => 0);
  }
}
