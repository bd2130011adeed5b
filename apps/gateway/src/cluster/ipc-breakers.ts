import type {
  Breaker,
  BreakerRegistry,
  BreakerState,
  CircuitBreakerOptions,
} from '../routing/circuit-breaker.js';
import type { Fleet, Reported } from '../routing/fleet-breaker.js';
import { FleetRegistry } from '../routing/fleet-registry.js';
import type { PrimaryLink } from './primary-link.js';

/** The probe lease of the cluster's breakers: renewed while the probe runs. */
export const PROBE_LEASE_MS = 5_000;

/**
 * A cluster worker's circuit breakers, shared with the other workers through the primary
 * (`PrimaryBreakers`), as `SharedBreakers` shares them through Redis: each worker decides
 * synchronously with its own breakers; their transitions go to the primary, which tells the other
 * workers; a half-open probe is claimed in the primary for the whole cluster.
 */
export class IpcBreakers implements BreakerRegistry {
  /** Resolves once the open breakers are loaded from the primary (or it did not answer). */
  readonly ready: Promise<void>;
  readonly #registry: FleetRegistry;
  #up = true;

  constructor(link: PrimaryLink, onUntracked?: (deploymentId: string, state: BreakerState) => void) {
    const fleet: Fleet = {
      leaseMs: PROBE_LEASE_MS,
      up: () => this.#up,
      transition: (deployment, transition, cooldownMs) =>
        link.ask({ kind: 'transition', deployment, transition, cooldownMs }, (reply) =>
          reply.call === 'transition' ? reply.value : undefined,
        ),
      claim: (deployment, token) =>
        link.ask({ kind: 'claim', deployment, token }, (reply) =>
          reply.call === 'claim' ? reply.value : undefined,
        ),
      renew: (deployment, token) =>
        link.ask({ kind: 'renew', deployment, token }, (reply) =>
          reply.call === 'renew' ? reply.value : undefined,
        ),
      release: async (deployment, token) => link.tell({ kind: 'release', deployment, token }),
      // The primary is this machine: a call that failed is a worker on its way out.
      down: () => {},
    };
    this.#registry = new FleetRegistry(fleet, onUntracked);
    this.ready = link
      .ask({ kind: 'breakers' }, (reply) => (reply.call === 'breakers' ? reply.value : undefined))
      .then(
        (open) => {
          for (const reported of open) this.hear(reported);
        },
        () => {},
      );
  }

  breaker(deploymentId: string, options: CircuitBreakerOptions): Breaker {
    return this.#registry.breaker(deploymentId, options);
  }

  /** Applies another worker's transition, told by the primary. */
  hear(reported: Reported): void {
    this.#registry.hear(reported);
  }

  /** The breakers decide alone from now on (the worker is stopping). */
  close(): void {
    this.#up = false;
    this.#registry.detach();
  }
}
