import type { Redis } from 'ioredis';
import type { CacheStore } from './cache-store.js';

/** Redis keys of cached answers: `switchyard:cache:<sha256>`. */
export const REDIS_KEY_PREFIX = 'switchyard:cache:';

export interface RedisCacheStoreOptions {
  /** Told once when Redis starts failing (and again only after it recovered in between). */
  readonly onDown?: (error: unknown) => void;
  /** Told once when Redis answers again after failing. */
  readonly onUp?: () => void;
}

/**
 * The cache shared by every instance: one Redis string per answer, written with `SET … PX` so that
 * Redis expires it. Any Redis error is a miss (reads) or a dropped write, reported once per outage.
 */
export class RedisCacheStore implements CacheStore {
  readonly #redis: Redis;
  readonly #onDown: (error: unknown) => void;
  readonly #onUp: () => void;
  #healthy = true;

  constructor(redis: Redis, options: RedisCacheStoreOptions = {}) {
    this.#redis = redis;
    this.#onDown = options.onDown ?? (() => {});
    this.#onUp = options.onUp ?? (() => {});
    // Connection errors come as events; without a listener ioredis would print each one.
    redis.on('error', (error: unknown) => this.#failed(error));
  }

  async get(key: string): Promise<string | undefined> {
    try {
      const value = await this.#redis.get(REDIS_KEY_PREFIX + key);
      this.#succeeded();
      return value ?? undefined;
    } catch (error) {
      this.#failed(error);
      return undefined;
    }
  }

  async set(key: string, value: string, ttlMs: number): Promise<void> {
    try {
      await this.#redis.set(REDIS_KEY_PREFIX + key, value, 'PX', ttlMs);
      this.#succeeded();
    } catch (error) {
      this.#failed(error);
    }
  }

  async close(): Promise<void> {
    try {
      await this.#redis.quit();
    } catch {
      this.#redis.disconnect();
    }
  }

  #succeeded(): void {
    if (this.#healthy) return;
    this.#healthy = true;
    this.#onUp();
  }

  #failed(error: unknown): void {
    if (!this.#healthy) return;
    this.#healthy = false;
    this.#onDown(error);
  }
}
