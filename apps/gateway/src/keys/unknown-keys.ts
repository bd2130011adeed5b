import { DEFAULT_LOOKUPS_PER_SECOND } from '../config/config-schema.js';

/** How a key missing from this process's memory was settled (the `result` label of the lookup metric). */
export type KeyLookupResult = 'found' | 'not_found' | 'negative_cached' | 'throttled' | 'error';

/** Bounds on asking the shared store about keys this process does not know. */
export interface UnknownKeyLimits {
  /** Store lookups per second at most (a burst of this many, refilled evenly); past it, refused unread. */
  lookupsPerSecond?: number;
  /** How long a secret the store did not have is refused without asking again. */
  negativeTtlMs?: number;
}

const DEFAULT_NEGATIVE_TTL_MS = 2_000;

/**
 * Keeps a flood of unknown keys cheap: remembers, briefly, the hashes the shared store did not
 * have (so a client retrying one bad key asks once per `negativeTtlMs`), and spends lookups from a
 * token bucket (so made-up keys never cost more than `lookupsPerSecond`). `clear()` forgets every
 * miss; call it whenever keys changed elsewhere, so a key created since is looked up again.
 * Memory is bounded too: at most `lookupsPerSecond × negativeTtlMs` misses are remembered.
 */
export class UnknownKeys {
  readonly #perSecond: number;
  readonly #ttlMs: number;
  /** Hash (hex) → when the miss expires; insertion order is expiry order (one TTL for all). */
  readonly #misses = new Map<string, number>();
  #tokens: number;
  #refilledAt = Number.NEGATIVE_INFINITY;

  constructor(limits: UnknownKeyLimits = {}) {
    this.#perSecond = limits.lookupsPerSecond ?? DEFAULT_LOOKUPS_PER_SECOND;
    this.#ttlMs = limits.negativeTtlMs ?? DEFAULT_NEGATIVE_TTL_MS;
    this.#tokens = this.#perSecond;
  }

  /** Whether to ask the store about `hash` now; when not, why it is refused unread. */
  check(hash: string, now: number): 'lookup' | 'negative_cached' | 'throttled' {
    this.#expire(now);
    if (this.#misses.has(hash)) return 'negative_cached';
    if (this.#refilledAt !== Number.NEGATIVE_INFINITY)
      this.#tokens = Math.min(
        this.#perSecond,
        this.#tokens + ((now - this.#refilledAt) * this.#perSecond) / 1000,
      );
    this.#refilledAt = now;
    if (this.#tokens < 1) return 'throttled';
    this.#tokens -= 1;
    return 'lookup';
  }

  /** Records that the store had no key with this hash. */
  remember(hash: string, now: number): void {
    this.#misses.delete(hash);
    this.#misses.set(hash, now + this.#ttlMs);
  }

  clear(): void {
    this.#misses.clear();
  }

  #expire(now: number): void {
    for (const [hash, expires] of this.#misses) {
      if (expires > now) return;
      this.#misses.delete(hash);
    }
  }
}
