import type { Reported, TransitionKind } from '../routing/fleet-breaker.js';

interface OpenBreaker {
  readonly until: number;
  readonly cooldownMs: number;
  readonly gen: number;
}

interface Probe {
  readonly token: string;
  until: number;
}

/**
 * The cluster's circuit breakers, in the primary: which deployments are open, the generation
 * counter that orders transitions, and the half-open probe leases. The same rules as the Redis
 * scripts of `SharedBreakers` (see there), in memory; `publish` tells the other workers.
 */
export class PrimaryBreakers {
  readonly #open = new Map<string, OpenBreaker>();
  readonly #probes = new Map<string, Probe>();
  readonly #leaseMs: number;
  #gen = 0;

  constructor(leaseMs: number) {
    this.#leaseMs = leaseMs;
  }

  /** Applies a worker's transition; returns the state after it and whether it changed (to publish). */
  transition(
    id: string,
    kind: TransitionKind,
    cooldownMs: number,
    now = Date.now(),
  ): { reported: Reported; changed: boolean } {
    const current = this.#open.get(id);
    if (kind === 'close') {
      if (!current) return { reported: { s: 'closed', g: this.#gen, d: id }, changed: false };
      this.#open.delete(id);
      this.#probes.delete(id);
      return { reported: { s: 'closed', g: ++this.#gen, d: id }, changed: true };
    }
    let cooldown = cooldownMs;
    if (current && kind === 'open') {
      // The fleet keeps the first opener's cooldown while it runs.
      if (current.until > now)
        return {
          reported: { s: 'open', g: current.gen, c: current.cooldownMs, r: current.until - now, d: id },
          changed: false,
        };
      cooldown = Math.max(cooldown, current.cooldownMs);
    }
    const gen = ++this.#gen;
    this.#open.set(id, { until: now + cooldown, cooldownMs: cooldown, gen });
    this.#probes.delete(id);
    return { reported: { s: 'open', g: gen, c: cooldown, r: cooldown, d: id }, changed: true };
  }

  /** Claims the half-open probe for `token`, unless another live claim holds it. */
  claim(id: string, token: string, now = Date.now()): boolean {
    const probe = this.#probes.get(id);
    if (probe && probe.until > now) return false;
    this.#probes.set(id, { token, until: now + this.#leaseMs });
    return true;
  }

  renew(id: string, token: string, now = Date.now()): boolean {
    const probe = this.#probes.get(id);
    if (!probe || probe.token !== token || probe.until <= now) return false;
    probe.until = now + this.#leaseMs;
    return true;
  }

  release(id: string, token: string): void {
    if (this.#probes.get(id)?.token === token) this.#probes.delete(id);
  }

  /** The open breakers, for a worker that starts (or replaces one that crashed). */
  snapshot(now = Date.now()): Reported[] {
    return [...this.#open].map(([d, o]) => ({
      s: 'open',
      g: o.gen,
      c: o.cooldownMs,
      r: Math.max(0, o.until - now),
      d,
    }));
  }
}
