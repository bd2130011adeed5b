import type { Reservation } from './budget-tracker.js';
import type { RateDecision, RateLimits } from './rate-limiter.js';

/**
 * Rate limits and budget reservations kept outside this process, so that several processes admit
 * requests exactly as one would: in Redis (`RedisLimits`, several instances) or in the cluster's
 * primary (`IpcLimits`, `switchyard start --workers N`). Same semantics as the in-memory
 * `RateLimiter` and `BudgetTracker`.
 */
export interface SharedLimits {
  /** Admits and counts one request of `tokens` estimated tokens, or says when to come back. */
  take(keyId: string, limits: RateLimits, tokens: number, now?: number): Promise<RateDecision>;
  /** Corrects the token count once the real usage is known (negative to give back). */
  adjustTokens(keyId: string, delta: number, now?: number): Promise<void>;
  /**
   * Reserves `estimate` USD, or refuses when it does not fit in what is left. `seed` is the spend
   * the ledger already holds for this period, read only when nobody has started counting yet.
   */
  reserve(
    keyId: string,
    periodStart: number,
    budget: number,
    estimate: number,
    seed: () => number,
  ): Promise<Reservation>;
  /** Replaces a reservation with the real cost. */
  settle(keyId: string, periodStart: number, reserved: number, cost: number): Promise<void>;
  close(): void;
}
