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
  readonly onStateChange?: (state: BreakerState) => void;
}

/**
 * A per-deployment circuit breaker. Callers ask {@link allow} before an attempt and report the
 * attempt's end with exactly one of {@link success}, {@link failure} or {@link cancel}.
 */
export class CircuitBreaker {
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

  #open(): void {
    this.#openedAt = this.#now();
    this.#failures = 0;
    this.#transition('open');
  }

  #transition(state: BreakerState): void {
    if (this.#state === state) return;
    this.#state = state;
    this.#options.onStateChange?.(state);
  }
}
