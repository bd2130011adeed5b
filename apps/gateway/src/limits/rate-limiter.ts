import { SlidingWindow } from './sliding-window.js';

export interface RateLimits {
  rpm: number | null;
  tpm: number | null;
}

export type RateDecision =
  | { ok: true; headers: Record<string, string> }
  | {
      ok: false;
      kind: 'requests' | 'tokens';
      retryAfterMs: number;
      /** False when waiting cannot help (one request larger than the whole token limit). */
      retryable: boolean;
      headers: Record<string, string>;
    };

export function formatReset(ms: number): string {
  return ms < 1000 ? `${Math.ceil(ms)}ms` : `${Math.ceil(ms / 1000)}s`;
}

/**
 * Requests-per-minute and tokens-per-minute limits per key, checked and counted in one synchronous
 * step so that concurrent requests can never slip through together.
 */
export class RateLimiter {
  readonly #requests = new Map<string, SlidingWindow>();
  readonly #tokens = new Map<string, SlidingWindow>();

  #window(map: Map<string, SlidingWindow>, key: string): SlidingWindow {
    let w = map.get(key);
    if (!w) {
      w = new SlidingWindow();
      map.set(key, w);
    }
    return w;
  }

  /** Admits and counts one request of `tokens` estimated tokens, or says when to come back. */
  take(key: string, limits: RateLimits, tokens: number, now = Date.now()): RateDecision {
    const headers: Record<string, string> = {};
    const req = limits.rpm === null ? undefined : this.#window(this.#requests, key);
    const tok = limits.tpm === null ? undefined : this.#window(this.#tokens, key);
    if (req && limits.rpm !== null) {
      const used = req.total(now);
      headers['x-ratelimit-limit-requests'] = String(limits.rpm);
      if (used + 1 > limits.rpm) {
        const wait = req.msUntilFree(now, 1, limits.rpm);
        headers['x-ratelimit-remaining-requests'] = '0';
        headers['x-ratelimit-reset-requests'] = formatReset(wait);
        return { ok: false, kind: 'requests', retryAfterMs: wait, retryable: true, headers };
      }
      headers['x-ratelimit-remaining-requests'] = String(limits.rpm - used - 1);
    }
    if (tok && limits.tpm !== null) {
      const used = tok.total(now);
      headers['x-ratelimit-limit-tokens'] = String(limits.tpm);
      if (used + tokens > limits.tpm) {
        const retryable = tokens <= limits.tpm;
        const wait = retryable ? tok.msUntilFree(now, tokens, limits.tpm) : 0;
        headers['x-ratelimit-remaining-tokens'] = String(Math.max(0, limits.tpm - used));
        headers['x-ratelimit-reset-tokens'] = formatReset(wait);
        return { ok: false, kind: 'tokens', retryAfterMs: wait, retryable, headers };
      }
      headers['x-ratelimit-remaining-tokens'] = String(limits.tpm - used - tokens);
    }
    req?.add(now, 1);
    tok?.add(now, tokens);
    return { ok: true, headers };
  }

  /** Corrects the token count once the real usage is known (negative to give back). */
  adjustTokens(key: string, delta: number, now = Date.now()): void {
    if (delta !== 0) this.#tokens.get(key)?.add(now, delta);
  }
}
