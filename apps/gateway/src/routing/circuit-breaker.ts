/** `closed`: traffic flows. `open`: rejected until the cooldown ends. `half_open`: one probe at a time. */
export type BreakerState = 'closed' | 'open' | 'half_open';

export interface CircuitBreakerOptions {
  /** Consecutive failures that open the breaker. */
  readonly failureThreshold: number;
  /** How long the breaker stays open before it lets one probe through. */
  readonly cooldownMs: number;
  /** Each failed probe doubles the cooldown, up to this. */
  readonly maxCooldownMs: number;
  readonly now?: () => number;
  readonly onStateChange?: (state: BreakerState, previous: BreakerState) => void;
}

/** What the router needs of a deployment's breaker (see {@link CircuitBreaker} for the semantics). */
export interface Breaker {
  readonly state: BreakerState;
  readonly retryAfterMs: number;
  allow(): boolean;
  success(): void;
  failure(): void;
  cancel(): void;
}

/** Makes the breaker of each deployment: per process, or shared by a fleet of gateways. */
export interface BreakerRegistry {
  /** Called once per deployment id, when the router first routes to it. */
  breaker(deploymentId: string, options: CircuitBreakerOptions): Breaker;
}

/** Every process decides alone. */
export const localBreakers: BreakerRegistry = {
  breaker: (_deploymentId, options) => new CircuitBreaker(options),
};

/** A state another gateway instance decided (see {@link CircuitBreaker.adopt}). */
export type SharedBreakerState =
  | { readonly state: 'closed' }
  | { readonly state: 'open'; readonly cooldownMs: number; readonly retryAfterMs: number };

/**
 * A per-deployment circuit breaker. Callers ask {@link allow} before an attempt and report the
 * attempt's end with exactly one of {@link success}, {@link failure} or {@link cancel}.
 */
export class CircuitBreaker implements Breaker {
  #state: BreakerState = 'closed';
  #failures = 0;
  #openedAt = 0;
  #cooldownMs: number;
  #probeInFlight = false;
  readonly #options: CircuitBreakerOptions;
  readonly #now: () => number;

  constructor(options: CircuitBreakerOptions) {
    this.#options = options;
    this.#cooldownMs = options.cooldownMs;
    this.#now = options.now ?? Date.now;
  }

  /** The state as of now (an open breaker whose cooldown ended reports `half_open`). */
  get state(): BreakerState {
    if (this.#state === 'open' && this.#now() - this.#openedAt >= this.#cooldownMs) return 'half_open';
    return this.#state;
  }

  /** Milliseconds until an open breaker lets a probe through; 0 when it would allow one now. */
  get retryAfterMs(): number {
    if (this.#state !== 'open') return 0;
    return Math.max(0, this.#openedAt + this.#cooldownMs - this.#now());
  }

  /** The current cooldown: `cooldownMs`, doubled by each failed probe up to `maxCooldownMs`. */
  get cooldownMs(): number {
    return this.#cooldownMs;
  }

  /** Whether the half-open probe is running. */
  get probing(): boolean {
    return this.#probeInFlight;
  }

  /** Whether an attempt may start now; in half-open, only the first caller gets through. */
  allow(): boolean {
    const state = this.state;
    if (state === 'closed') return true;
    if (state === 'open' || this.#probeInFlight) return false;
    this.#transition('half_open');
    this.#probeInFlight = true;
    return true;
  }

  success(): void {
    this.#probeInFlight = false;
    this.#failures = 0;
    this.#cooldownMs = this.#options.cooldownMs;
    this.#transition('closed');
  }

  failure(): void {
    if (this.#state === 'half_open') {
      this.#probeInFlight = false;
      this.#cooldownMs = Math.min(this.#cooldownMs * 2, this.#options.maxCooldownMs);
      this.#open();
      return;
    }
    if (this.#state === 'open') return;
    this.#failures += 1;
    if (this.#failures >= this.#options.failureThreshold) this.#open();
  }

  /** The attempt ended without telling anything about the deployment's health (client abort). */
  cancel(): void {
    this.#probeInFlight = false;
  }

  /**
   * Takes over a state decided elsewhere (another gateway instance): closed, or open with the
   * given cooldown and time left. The failure count starts over; a running probe no longer holds
   * the half-open slot (its outcome still counts).
   */
  adopt(shared: SharedBreakerState): void {
    this.#failures = 0;
    this.#probeInFlight = false;
    if (shared.state === 'closed') {
      this.#cooldownMs = this.#options.cooldownMs;
      this.#transition('closed');
      return;
    }
    this.#cooldownMs = shared.cooldownMs;
    this.#openedAt = this.#now() - Math.max(0, shared.cooldownMs - shared.retryAfterMs);
    this.#transition('open');
  }

  #open(): void {
    this.#openedAt = this.#now();
    this.#failures = 0;
    this.#transition('open');
  }

  #transition(state: BreakerState): void {
    const previous = this.#state;
    if (previous === state) return;
    this.#state = state;
    this.#options.onStateChange?.(state, previous);
  }
}
