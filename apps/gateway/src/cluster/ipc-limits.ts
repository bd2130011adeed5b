import type { Reservation } from '../limits/budget-tracker.js';
import type { RateDecision, RateLimits } from '../limits/rate-limiter.js';
import type { SharedLimits } from '../limits/shared-limits.js';
import type { PrimaryLink } from './primary-link.js';

/**
 * Rate limits and budgets of a cluster worker, kept by the primary (`PrimaryLimits`) for every
 * worker: one IPC round trip per check, so that N workers admit exactly what one process would.
 * Corrections (`adjustTokens`, `settle`) are sent without waiting; the channel keeps their order.
 */
export class IpcLimits implements SharedLimits {
  readonly #link: PrimaryLink;

  constructor(link: PrimaryLink) {
    this.#link = link;
  }

  take(keyId: string, limits: RateLimits, tokens: number, now = Date.now()): Promise<RateDecision> {
    return this.#link.ask({ kind: 'take', keyId, limits, tokens, now }, (reply) =>
      reply.call === 'take' ? reply.value : undefined,
    );
  }

  async adjustTokens(keyId: string, delta: number, now = Date.now()): Promise<void> {
    if (delta !== 0) this.#link.tell({ kind: 'adjust', keyId, delta, now });
  }

  async reserve(
    keyId: string,
    start: number,
    budget: number,
    estimate: number,
    seed: () => number,
  ): Promise<Reservation> {
    const ask = (known: number | null) =>
      this.#link.ask({ kind: 'reserve', keyId, start, budget, estimate, seed: known }, (reply) =>
        reply.call === 'reserve' ? reply.value : undefined,
      );
    // The primary asks for the ledger's spend only the first time it counts this key and period.
    const first = await ask(null);
    return first === 'seed_needed' ? this.#seeded(await ask(seed())) : first;
  }

  #seeded(answer: Reservation | 'seed_needed'): Reservation {
    if (answer === 'seed_needed') throw new Error('the primary asked twice for a budget seed');
    return answer;
  }

  async settle(keyId: string, start: number, reserved: number, cost: number): Promise<void> {
    this.#link.tell({ kind: 'settle', keyId, start, reserved, cost });
  }

  /** The link is the worker's; it closes with it. */
  close(): void {}
}
