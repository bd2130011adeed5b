import { Redis } from 'ioredis';
import type { CacheConfig } from '../config/config-schema.js';
import type { CacheStore } from './cache-store.js';
import { MemoryCacheStore } from './memory-cache-store.js';
import { RedisCacheStore } from './redis-cache-store.js';
import { ResponseCache } from './response-cache.js';

export interface OpenResponseCacheOptions {
  readonly config: CacheConfig;
  /** With a URL, every instance shares the cache through Redis; without, it is per process. */
  readonly redisUrl: string | undefined;
  /** Redis started failing: the cache answers misses until it is back. */
  readonly onDown?: (error: unknown) => void;
  readonly onUp?: () => void;
}

/** A cache read must never hold a request up for long: past this, it is a miss. */
const REDIS_COMMAND_TIMEOUT_MS = 500;

/**
 * The response cache the config asks for, or undefined when `cache.enabled` is false. With Redis,
 * waits (bounded) for the first connection so that the first requests can use it; an unreachable
 * Redis is reported through `onDown` and retried in the background.
 */
export async function openResponseCache(
  options: OpenResponseCacheOptions,
): Promise<ResponseCache | undefined> {
  const { config, redisUrl } = options;
  if (!config.enabled) return undefined;
  let store: CacheStore;
  if (redisUrl) {
    const redis = new Redis(redisUrl, {
      lazyConnect: true,
      // Fail at once while disconnected rather than queue: a cache miss beats a wait.
      enableOfflineQueue: false,
      maxRetriesPerRequest: 1,
      commandTimeout: REDIS_COMMAND_TIMEOUT_MS,
      connectTimeout: 2_000,
    });
    store = new RedisCacheStore(redis, {
      ...(options.onDown ? { onDown: options.onDown } : {}),
      ...(options.onUp ? { onUp: options.onUp } : {}),
    });
    // A failed first connection has been reported through the error event; ioredis keeps retrying.
    await redis.connect().catch(() => {});
  } else {
    store = new MemoryCacheStore({ maxEntries: config.maxEntries, maxBytes: config.maxBytes });
  }
  return new ResponseCache({
    store,
    ttlSeconds: config.ttlSeconds,
    maxEntryBytes: config.maxEntryBytes,
    scope: config.scope,
    onlyDeterministic: config.onlyDeterministic,
  });
}
