import { BadRequestError, type ChatCompletionRequest } from '@switchyard/protocol';
import type { GatewayMetrics } from '../accounting/index.js';
import type { Route } from '../routing/deployment.js';
import type { FullAdapter } from '../routing/router.js';
import { CachingAdapter } from './caching-adapter.js';
import type { ResponseCache } from './response-cache.js';

/** Request header: `no-cache` (answer from upstream, then store) or `no-store` (leave the cache alone). */
export const CACHE_HEADER = 'x-switchyard-cache';

export type CacheDirective = 'default' | 'no-cache' | 'no-store';

/** Reads the request's `x-switchyard-cache` header; anything else than the two directives is a 400. */
export function parseCacheDirective(value: string | undefined): CacheDirective {
  if (value === undefined) return 'default';
  let directive: CacheDirective = 'default';
  for (const part of value.split(',')) {
    const token = part.trim().toLowerCase();
    if (token === 'no-store') directive = 'no-store';
    else if (token === 'no-cache') directive = directive === 'no-store' ? directive : 'no-cache';
    else if (token !== '') {
      throw new BadRequestError({
        message: `Unknown ${CACHE_HEADER} header value ${JSON.stringify(part.trim().slice(0, 40))}: use no-cache or no-store.`,
        code: 'invalid_request',
      });
    }
  }
  return directive;
}

/** One admitted request, as the cache stage sees it. */
export interface CacheCall {
  readonly request: ChatCompletionRequest;
  readonly directive: CacheDirective;
  /** The caller's key (entries are scoped per key unless the cache is shared). */
  readonly keyId: string;
  readonly route: Route;
  /** The adapter that answers a miss: the router, for this request. */
  readonly adapter: FullAdapter;
  setHeader(name: string, value: string): void;
}

/** What the stage decided: the adapter to answer with, and whether it is a stored answer. */
export interface CacheStep {
  readonly adapter: FullAdapter;
  readonly hit: boolean;
}

/**
 * The response cache as one stage of the gateway's pipeline, run after authentication, model
 * scoping, request limits and admission (rate limits and budget reservations), so that a hit is
 * refused exactly like a miss would be. A hit is answered by a replaying adapter; a miss by one
 * that stores what the router answers. Sets `x-switchyard-cache: hit | miss | bypass` and, on a
 * hit, `age`.
 */
export function cacheStage(cache: ResponseCache, metrics: GatewayMetrics) {
  return async (call: CacheCall): Promise<CacheStep> => {
    const { request, route } = call;
    if (call.directive === 'no-store' || !cache.accepts(request)) {
      metrics.cacheRequests.inc(['bypass']);
      call.setHeader(CACHE_HEADER, 'bypass');
      return { adapter: call.adapter, hit: false };
    }
    const key = cache.keyFor(request, call.keyId, {
      model: route.name,
      deployments: route.deployments.map((d) => d.id),
    });
    const hit = call.directive === 'no-cache' ? undefined : await cache.lookup(key);
    metrics.cacheRequests.inc([hit ? 'hit' : 'miss']);
    call.setHeader(CACHE_HEADER, hit ? 'hit' : 'miss');
    if (hit) call.setHeader('age', String(Math.max(0, Math.floor((Date.now() - hit.storedAt) / 1000))));
    return { adapter: new CachingAdapter(call.adapter, cache, { key, hit }), hit: hit !== undefined };
  };
}

/** The stage's function: see {@link cacheStage}. */
export type CacheStage = ReturnType<typeof cacheStage>;
