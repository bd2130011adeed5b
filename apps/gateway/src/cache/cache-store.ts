/**
 * Where cached answers live. `get` and `set` never reject: a backend that fails answers a miss and
 * drops the write, so the cache can never fail a request.
 */
export interface CacheStore {
  get(key: string): Promise<string | undefined>;
  /** Stores `value` for `ttlMs`; resolves once written (or dropped). */
  set(key: string, value: string, ttlMs: number): Promise<void>;
  close(): Promise<void>;
}
