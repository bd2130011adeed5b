import { randomBytes } from 'node:crypto';
import {
  type Breaker,
  type BreakerState,
  CircuitBreaker,
  type CircuitBreakerOptions,
  type SharedBreakerState,
} from './circuit-breaker.js';

/** `open`: the instance's own failures reached the threshold; `reopen`: a failed probe; `close`: a success. */
export type TransitionKind = 'open' | 'reopen' | 'close';

/** A transition as the script returns it or the channel carries it (see `shared-breakers.ts`). */
export interface Reported {
  readonly s: 'open' | 'closed';
  readonly g: number;
  readonly c?: number;
  readonly r?: number;
  readonly d?: string;
  readonly o?: string;
}

export function stateOf(reported: Reported): SharedBreakerState | undefined {
  if (reported.s === 'closed') return { state: 'closed' };
  if (reported.s !== 'open' || typeof reported.c !== 'number' || typeof reported.r !== 'number')
    return undefined;
  return { state: 'open', cooldownMs: reported.c, retryAfterMs: Math.max(0, reported.r) };
}

/** What a breaker asks of its registry; closures, so that the registry's fields stay private. */
export interface Fleet {
  readonly leaseMs: number;
  up(): boolean;
  transition(id: string, kind: TransitionKind, cooldownMs: number): Promise<Reported>;
  claim(id: string, token: string): Promise<boolean>;
  renew(id: string, token: string): Promise<boolean>;
  release(id: string, token: string): Promise<void>;
  down(error: unknown): void;
}

/**
 * A deployment's breaker on one instance: a local {@link CircuitBreaker} that decides, plus the
 * half-open claim and the writes of its transitions to the fleet.
 */
export class FleetBreaker implements Breaker {
  readonly #id: string;
  readonly #local: CircuitBreaker;
  readonly #fleet: Fleet;
  /** Generation of the last shared state applied or written here. */
  #gen = 0;
  /** The local state was decided while Redis was unreachable: the fleet does not know it. */
  #localOnly = false;
  #writes = 0;
  #adopting = false;
  #claim: 'none' | 'claiming' | 'held' | 'probing' = 'none';
  #token = '';
  #heldUntil = 0;
  #retryAt = 0;
  #renewal: ReturnType<typeof setInterval> | undefined;

  constructor(id: string, options: CircuitBreakerOptions, fleet: Fleet) {
    this.#id = id;
    this.#fleet = fleet;
    this.#local = new CircuitBreaker({
      ...options,
      onStateChange: (state, previous) => {
        options.onStateChange?.(state, previous);
        // Opened or closed: whatever was claimed for the last half-open period is over.
        if (state !== 'half_open') this.#probeEnded();
        if (!this.#adopting) this.#write(state, previous);
      },
    });
  }

  get state(): BreakerState {
    return this.#local.state;
  }

  get retryAfterMs(): number {
    return this.#local.retryAfterMs;
  }

  allow(): boolean {
    if (this.#local.state !== 'half_open' || this.#local.probing || !this.#fleet.up())
      return this.#local.allow();
    const now = Date.now();
    if (this.#claim === 'held' && now < this.#heldUntil) {
      this.#claim = 'probing';
      this.#renewal = setInterval(() => this.#renew(), Math.max(50, Math.floor(this.#fleet.leaseMs / 3)));
      this.#renewal.unref();
      return this.#local.allow();
    }
    if (this.#claim !== 'claiming' && now >= this.#retryAt) this.#startClaim();
    return false;
  }

  success(): void {
    if (this.#claim === 'probing') this.#probeEnded();
    this.#local.success();
  }

  failure(): void {
    if (this.#claim === 'probing') this.#probeEnded();
    this.#local.failure();
  }

  cancel(): void {
    // Like the local breaker, any cancelled attempt frees the half-open slot: give the lease back.
    if (this.#claim === 'probing') {
      this.#fleet.release(this.#id, this.#token).catch((error: unknown) => this.#fleet.down(error));
      this.#probeEnded();
    }
    this.#local.cancel();
  }

  /** Applies a shared state, unless this instance already knows a newer one. */
  adopt(gen: number, state: SharedBreakerState): void {
    if (gen <= this.#gen) return;
    this.#gen = gen;
    this.#localOnly = false;
    this.#retryAt = 0;
    this.#probeEnded();
    this.#adopting = true;
    try {
      this.#local.adopt(state);
    } finally {
      this.#adopting = false;
    }
  }

  /** A snapshot without this deployment: the fleet closed it, unless only this instance opened it. */
  adoptClosedSnapshot(gen: number): void {
    if (this.#localOnly || this.#writes > 0 || this.#local.state === 'closed') return;
    this.adopt(gen, { state: 'closed' });
  }

  /** The registry closed: stop renewing (the local breaker goes on alone). */
  detach(): void {
    this.#probeEnded();
  }

  #startClaim(): void {
    this.#claim = 'claiming';
    const token = randomBytes(8).toString('hex');
    this.#fleet.claim(this.#id, token).then(
      (won) => {
        if (this.#claim !== 'claiming')
          return void (won && this.#fleet.release(this.#id, token).catch(() => {}));
        if (!won) {
          this.#claim = 'none';
          this.#retryAt = Date.now() + Math.max(50, Math.floor(this.#fleet.leaseMs / 5));
          return;
        }
        this.#claim = 'held';
        this.#token = token;
        // Unused, the lease lapses in Redis by itself; stop counting on it a little before.
        this.#heldUntil = Date.now() + this.#fleet.leaseMs * 0.8;
      },
      (error: unknown) => {
        if (this.#claim === 'claiming') this.#claim = 'none';
        this.#fleet.down(error);
      },
    );
  }

  #renew(): void {
    if (this.#claim !== 'probing') return;
    this.#fleet.renew(this.#id, this.#token).then(
      (still) => {
        // Lost (someone reopened or closed the breaker): the probe runs on, its outcome still counts.
        if (!still) this.#stopRenewal();
      },
      (error: unknown) => this.#fleet.down(error),
    );
  }

  #probeEnded(): void {
    this.#claim = 'none';
    this.#stopRenewal();
  }

  #stopRenewal(): void {
    clearInterval(this.#renewal);
    this.#renewal = undefined;
  }

  #write(state: BreakerState, previous: BreakerState): void {
    if (state === 'half_open') return;
    if (!this.#fleet.up()) {
      this.#localOnly = true;
      return;
    }
    const kind: TransitionKind = state === 'closed' ? 'close' : previous === 'half_open' ? 'reopen' : 'open';
    this.#writes += 1;
    this.#fleet
      .transition(this.#id, kind, this.#local.cooldownMs)
      .then(
        (reported) => {
          this.#localOnly = false;
          // What this call wrote, or the newer state it found: either way the fleet's state now.
          const shared = stateOf(reported);
          if (shared) this.adopt(reported.g, shared);
        },
        (error: unknown) => {
          this.#localOnly = true;
          this.#fleet.down(error);
        },
      )
      .finally(() => {
        this.#writes -= 1;
      });
  }
}
