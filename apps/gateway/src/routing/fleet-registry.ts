import type { BreakerState, CircuitBreakerOptions, SharedBreakerState } from './circuit-breaker.js';
import { type Fleet, FleetBreaker, type Reported, stateOf } from './fleet-breaker.js';

interface Learnt {
  readonly gen: number;
  readonly state: SharedBreakerState;
  /** `Date.now()` when it was learnt (an open state's time left shrinks from there). */
  readonly at: number;
}

/**
 * The breakers of one process that shares them with others (through Redis, or through the
 * cluster's primary): one {@link FleetBreaker} per deployment routed to, and what the fleet said
 * about deployments not routed to yet, handed over when they are.
 */
export class FleetRegistry {
  readonly #fleet: Fleet;
  readonly #onUntracked: ((deploymentId: string, state: BreakerState) => void) | undefined;
  readonly #breakers = new Map<string, FleetBreaker>();
  /** What the fleet said about deployments this process has no breaker for yet. */
  readonly #untracked = new Map<string, Learnt>();

  constructor(fleet: Fleet, onUntracked?: (deploymentId: string, state: BreakerState) => void) {
    this.#fleet = fleet;
    this.#onUntracked = onUntracked;
  }

  /** The breakers routed to so far, by deployment id. */
  get breakers(): ReadonlyMap<string, FleetBreaker> {
    return this.#breakers;
  }

  /** Deployments the fleet reported open that this process has not routed to yet. */
  untrackedOpen(): string[] {
    return [...this.#untracked].filter(([, known]) => known.state.state === 'open').map(([id]) => id);
  }

  breaker(deploymentId: string, options: CircuitBreakerOptions): FleetBreaker {
    const breaker = new FleetBreaker(deploymentId, options, this.#fleet);
    this.#breakers.set(deploymentId, breaker);
    const learnt = this.#untracked.get(deploymentId);
    if (learnt) {
      this.#untracked.delete(deploymentId);
      const { state } = learnt;
      const elapsed = Date.now() - learnt.at;
      breaker.adopt(
        learnt.gen,
        state.state === 'open'
          ? { ...state, retryAfterMs: Math.max(0, state.retryAfterMs - elapsed) }
          : state,
      );
    }
    return breaker;
  }

  /** Applies a transition another process reported (one naming no deployment or state is ignored). */
  hear(reported: Reported): void {
    const state = stateOf(reported);
    if (state && typeof reported.d === 'string') this.learn(reported.d, reported.g, state);
  }

  /** Applies what the fleet decided about a deployment, unless this process knows newer. */
  learn(id: string, gen: number, state: SharedBreakerState): void {
    const breaker = this.#breakers.get(id);
    if (breaker) {
      breaker.adopt(gen, state);
      return;
    }
    const known = this.#untracked.get(id);
    if (known && known.gen >= gen) return;
    this.#untracked.set(id, { gen, state, at: Date.now() });
    if (state.state === 'open' || known?.state.state === 'open') this.#onUntracked?.(id, state.state);
  }

  /** Stops every breaker's renewals (they go on deciding alone). */
  detach(): void {
    for (const breaker of this.#breakers.values()) breaker.detach();
  }
}
