export { CACHE_HEADER, withResponseCache } from './cache-hooks.js';
export { type CacheConfig, openResponseCache } from './open-response-cache.js';
export type { CacheScope, ResponseCache } from './response-cache.js';
