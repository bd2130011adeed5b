export { CACHE_HEADER, type CacheStage, cacheStage, parseCacheDirective } from './cache-stage.js';
export { openResponseCache } from './open-response-cache.js';
export type { ResponseCache } from './response-cache.js';
