import type { IncomingMessage, ServerResponse } from 'node:http';
import { toProtocolError } from '@switchyard/protocol';
import { type ChatServer, createChatServer, createNodeHandler, responsesDoor } from '@switchyard/server-kit';
import type pino from 'pino';
import type { Accounting } from '../accounting/index.js';
import { cacheStage, type ResponseCache } from '../cache/index.js';
import type { ResolvedConfig } from '../config/resolve-config.js';
import type { SharedLimits } from '../limits/shared-limits.js';
import { type SecretScrubber, toKitLogger } from '../logging/create-logger.js';
import { gatewayMessagesDoor } from '../messages/gateway-messages-door.js';
import type { GatewayMetrics } from '../metrics/gateway-metrics.js';
import { createGatewayHooks } from '../pipeline/gateway-hooks.js';
import { withTracing } from '../pipeline/tracing-hooks.js';
import type { ProviderAdapter } from '../providers/create-provider-adapters.js';
import { responseOwnerOf } from '../responses/open-response-store.js';
import type { ClosableResponseStore } from '../responses/sqlite-response-store.js';
import type { BreakerRegistry } from '../routing/circuit-breaker.js';
import { ModelCatalog } from '../routing/model-catalog.js';
import { Router } from '../routing/router.js';
import { SharedBreakers } from '../routing/shared-breakers.js';
import type { RequestTracer } from '../telemetry/request-tracer.js';
import { logAttemptError } from './attempt-error-log.js';
import { gatewayRoutes } from './gateway-routes.js';
import { sendError } from './node-web-bridge.js';
import { routeTable } from './route-table.js';
import { createStaticHandler, playgroundDir } from './static-files.js';

/** Breakers shared with other processes: loaded once `ready`, and closed at shutdown. */
export interface FleetBreakers extends BreakerRegistry {
  readonly ready: Promise<void>;
  close(): void;
}

/**
 * What a cluster worker (`switchyard start --workers N`) shares with the others through the
 * primary, when Redis does not already share it.
 */
export interface ClusterServices {
  readonly limits: SharedLimits;
  /** Built once the metrics exist (the breakers report their states there). */
  readonly breakers: (metrics: GatewayMetrics) => FleetBreakers;
  /** `/metrics`: every worker's, summed. */
  readonly renderMetrics: () => Promise<string>;
}

/** What a gateway is built from: its config, where it logs, and what it opened before wiring. */
export interface GatewayServices {
  readonly config: ResolvedConfig;
  readonly logger: pino.Logger;
  /** Secrets registered here are masked in every log line. */
  readonly scrubber: SecretScrubber;
  readonly accounting: Accounting;
  readonly cache: ResponseCache | undefined;
  /** With tracing on (`telemetry`, `OTEL_EXPORTER_OTLP_*`): the spans' exporter. */
  readonly tracer: RequestTracer | undefined;
  /** Every provider's adapter (built-in or loaded from its `module:`). */
  readonly adapters: readonly ProviderAdapter[];
  /** Stored responses of `POST /v1/responses` (in `storage`). */
  readonly responses: ClosableResponseStore;
  /** In a cluster worker: what the workers share through the primary. */
  readonly cluster?: ClusterServices | undefined;
}

/** The parts of a wired gateway that its lifecycle (listen, drain, shut down) holds on to. */
export interface GatewayParts {
  readonly catalog: ModelCatalog;
  readonly router: Router;
  /** With `redis.url`: circuit breakers shared by every instance (in a cluster: by every worker). */
  readonly breakers: FleetBreakers | undefined;
  /** Requests whose ledger row is not written yet (cut streams still ending). */
  readonly unfinished: () => number;
  /** The playground directory being served, if any. */
  readonly playground: string | undefined;
  /** Answers one request: the protocol's routes, then the gateway's own (`gatewayRoutes`). */
  readonly serve: (req: IncomingMessage, res: ServerResponse) => Promise<void>;
  /** Logs an error no handler caught and answers it in the envelope (or cuts a started answer). */
  readonly fail: (res: ServerResponse, error: unknown) => void;
  /** An error in the envelope of the front door that `url` belongs to (see `ChatServer.encodeError`). */
  readonly encodeError: ChatServer['encodeError'];
}

/**
 * Builds a gateway's request path from what it opened: the providers' adapters, the model catalog,
 * the router over them, the protocol server with the gateway's hooks, and the route table of the
 * gateway's own routes. `isDraining` tells `/readyz` that shutdown began.
 */
export function wireGateway(services: GatewayServices, isDraining: () => boolean): GatewayParts {
  const { config, logger, scrubber, accounting } = services;
  for (const provider of config.providers) scrubber.add(provider.apiKey);
  scrubber.add(config.adminKey);
  const { metrics } = accounting;
  const catalog = createCatalog(config, services.adapters, logger);
  metrics.boundNames(catalog);
  const breakers = config.redis.url
    ? new SharedBreakers({
        url: config.redis.url,
        logger,
        onUntracked: (deployment, state) => metrics.breakerState({ deployment, state }),
      })
    : services.cluster?.breakers(metrics);
  const router = createRouter(services, catalog, breakers, metrics);
  const { chat, unfinished } = createProtocolServer(services, catalog, router, metrics);
  const fail = (res: ServerResponse, error: unknown): void => {
    logger.error({ error: error instanceof Error ? error.message : String(error) }, 'unhandled error');
    if (!res.headersSent) sendError(res, toProtocolError(error));
    else res.destroy();
  };
  const playground = playgroundDir(config.server.playground);
  const other = routeTable(
    gatewayRoutes({
      accounting,
      catalog,
      router,
      isDraining,
      bodyLimit: config.server.bodyLimitBytes,
      logger: toKitLogger(logger),
      renderMetrics: services.cluster?.renderMetrics,
      serveStatic: playground ? createStaticHandler(playground, fail) : undefined,
    }),
  );
  const serve = createNodeHandler(chat, {
    onUnmatched: (req, res) => {
      other(req, res).catch((error: unknown) => fail(res, error));
    },
  });
  return { catalog, router, breakers, unfinished, playground, serve, fail, encodeError: chat.encodeError };
}

/** The models of every provider, configured and discovered, with their routes. */
function createCatalog(
  config: ResolvedConfig,
  adapters: readonly ProviderAdapter[],
  logger: pino.Logger,
): ModelCatalog {
  return new ModelCatalog({
    providers: adapters.map(({ provider, adapter }) => ({
      name: provider.name,
      adapter,
      models: provider.models,
      discover: provider.discover,
      passthrough: provider.passthrough,
      timeoutMs: provider.timeoutMs,
    })),
    models: config.models,
    maxPassthroughModels: config.routing.maxPassthroughModels,
    onDiscoveryError: (provider, error) =>
      logger.warn(
        { provider, error: error instanceof Error ? error.message : String(error) },
        'model discovery failed',
      ),
  });
}

/** The router over the catalog's deployments, reporting attempts and breakers to metrics and logs. */
function createRouter(
  { config, logger }: GatewayServices,
  catalog: ModelCatalog,
  breakers: BreakerRegistry | undefined,
  metrics: GatewayMetrics,
): Router {
  const { maxPassthroughModels: _, ...routing } = config.routing;
  return new Router({
    ...routing,
    breakers,
    isTracked: (deployment) => catalog.isKnownDeployment(deployment.id),
    onAnswered: (route) => catalog.prove(route),
    onAttemptError: (event) => {
      const { deployment, error } = event;
      metrics.upstreamError({ deployment: deployment.id, provider: deployment.provider, code: error.code });
      logAttemptError(logger, event);
    },
    onBreakerChange: (deployment, state) => {
      metrics.breakerState({ deployment: deployment.id, state });
      logger.warn({ deployment: deployment.id, state }, `circuit breaker ${state.replace('_', '-')}`);
    },
  });
}

/** The protocol server (server-kit) over the router, with the gateway's hooks, cache and tracing. */
function createProtocolServer(
  { config, logger, accounting, cache, tracer, responses }: GatewayServices,
  catalog: ModelCatalog,
  router: Router,
  metrics: GatewayMetrics,
) {
  const { unfinished, ...hooks } = createGatewayHooks({
    accounting,
    catalog,
    router,
    requestLimits: {
      maxMessages: config.limits.maxMessages,
      maxTools: config.limits.maxTools,
      allowRoutingFields: config.limits.allowRoutingFields,
    },
    usageAfterCut: { ms: config.limits.usageAfterCutMs, maxBytes: config.limits.usageAfterCutBytes },
    ...(cache ? { cache: cacheStage(cache, metrics) } : {}),
  });
  const chat = createChatServer({
    ...(tracer ? withTracing(hooks, tracer) : hooks),
    doors: [
      gatewayMessagesDoor(catalog, toKitLogger(logger)),
      responsesDoor({
        store: responses,
        ownerOf: responseOwnerOf,
        onStoreError: (error, id) =>
          logger.warn(
            { response_id: id, error: error instanceof Error ? error.message : String(error) },
            'response not stored',
          ),
      }),
    ],
    bodyLimit: config.server.bodyLimitBytes,
    responseLimit: config.server.responseLimitBytes,
    logger: toKitLogger(logger),
  });
  return { chat, unfinished };
}
