import { BadRequestError, type Usage } from '@switchyard/protocol';
import type { ChatServerOptions } from '@switchyard/server-kit';
import type { GatewayMetrics } from '../metrics/gateway-metrics.js';
import type { GatewayLocals } from '../server/gateway-hooks.js';
import { type CacheDecision, CachingAdapter, type FullAdapter } from './caching-adapter.js';
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

type CacheHooks = Pick<ChatServerOptions, 'resolveAdapter' | 'beforeCompletion' | 'transformUsage'>;

export interface ResponseCacheDeps {
  readonly cache: ResponseCache;
  /** The adapter the gateway's `resolveAdapter` hands out (the router). */
  readonly router: FullAdapter;
  readonly metrics: GatewayMetrics;
}

/**
 * The gateway's hooks with the response cache in front of the router. The cache is consulted after
 * authentication, model scoping, request limits and admission (rate limits and budget
 * reservations), so a hit is refused exactly like a miss would be; a hit costs 0 and its ledger row
 * is marked `cached`. Sets `x-switchyard-cache: hit | miss | bypass` and, on a hit, `age`.
 */
export function withResponseCache<H extends CacheHooks>(hooks: H, deps: ResponseCacheDeps): H {
  const { cache, router, metrics } = deps;
  const adapter = new CachingAdapter(router, cache);
  const { resolveAdapter, beforeCompletion, transformUsage } = hooks;
  return {
    ...hooks,

    async resolveAdapter(model, context) {
      const resolved = await resolveAdapter?.(model, context);
      return resolved === router ? adapter : resolved;
    },

    async beforeCompletion(context) {
      // Before admission: a malformed header is refused without using the caller's limits.
      const directive = parseCacheDirective(context.header(CACHE_HEADER));
      await beforeCompletion?.(context);
      const request = context.request;
      const locals = context.locals as GatewayLocals;
      if (!request || !locals.principal || directive === 'no-store' || !cache.accepts(request)) {
        metrics.cacheRequests.inc(['bypass']);
        context.setHeader(CACHE_HEADER, 'bypass');
        return;
      }
      const route = locals.routing?.route;
      const key = cache.keyFor(request, locals.principal.keyId, {
        model: route?.name ?? request.model,
        deployments: route ? route.deployments.map((d) => d.id) : [],
      });
      const hit = directive === 'no-cache' ? undefined : await cache.lookup(key);
      context.locals.cache = { key, hit } satisfies CacheDecision;
      metrics.cacheRequests.inc([hit ? 'hit' : 'miss']);
      context.setHeader(CACHE_HEADER, hit ? 'hit' : 'miss');
      if (hit) {
        locals.cached = true;
        context.setHeader('age', String(Math.max(0, Math.floor((Date.now() - hit.storedAt) / 1000))));
      }
    },

    transformUsage(usage, context): Usage {
      if ((context.locals as GatewayLocals).cached) {
        // The stored answer's `cost_details` were billed once, for the miss.
        const { cost_details: _billedOnce, ...rest } = usage;
        return { ...rest, cost: 0 };
      }
      return transformUsage ? transformUsage(usage, context) : usage;
    },
  };
}
