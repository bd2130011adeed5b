export { CACHE_HEADER, withResponseCache } from './cache-hooks.js';
export { openResponseCache } from './open-response-cache.js';
export type { ResponseCache } from './response-cache.js';
