import { once } from 'node:events';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import {
  AuthenticationError,
  ErrorCode,
  NotFoundError,
  ProtocolError,
  ServerError,
  toProtocolError,
} from '@switchyard/protocol';
import {
  bearerToken,
  createChatServer,
  createNodeHandler,
  resolveRequestId,
  responsesDoor,
} from '@switchyard/server-kit';
import type pino from 'pino';
import {
  type Accounting,
  handleAdmin,
  handleUsage,
  openAccounting,
  priceProvidersOf,
} from '../accounting/index.js';
import { cacheStage, openResponseCache, type ResponseCache } from '../cache/index.js';
import { DATABASE_FILE, type ResolvedConfig } from '../config/resolve-config.js';
import { type EmbeddingsDeps, serveEmbeddings } from '../embeddings/serve-embeddings.js';
import { type SecretScrubber, toKitLogger } from '../logging/create-logger.js';
import { createProviderAdapter } from '../providers/create-provider-adapter.js';
import { openResponseStore, responseOwnerOf } from '../responses/open-response-store.js';
import type { ClosableResponseStore } from '../responses/sqlite-response-store.js';
import { ModelCatalog } from '../routing/model-catalog.js';
import { Router } from '../routing/router.js';
import { SharedBreakers } from '../routing/shared-breakers.js';
import { openTracer } from '../telemetry/open-tracer.js';
import type { RequestTracer } from '../telemetry/request-tracer.js';
import { logAttemptError } from './attempt-error-log.js';
import { clientErrorListener } from './client-errors.js';
import { applyCors } from './cors.js';
import { createGatewayHooks } from './gateway-hooks.js';
import { LoadShedder } from './load-shedder.js';
import { readJson, sendError, sendJson, sendWebResponse, toWebRequest } from './node-web-bridge.js';
import { createGatewayOpenAPIDocument } from './openapi.js';
import { createStaticHandler, playgroundDir } from './static-files.js';
import { withTracing } from './tracing-hooks.js';

export interface CreateGatewayOptions {
  readonly config: ResolvedConfig;
  readonly logger: pino.Logger;
  /** Secrets registered here are masked in every log line. */
  readonly scrubber: SecretScrubber;
  /** Create the first admin key later, with `accounting.createFirstAdminKey()` (once listening). */
  readonly deferAdminKey?: boolean;
}

function pathOf(url: string | undefined): string {
  const raw = url ?? '/';
  const query = raw.indexOf('?');
  return query === -1 ? raw : raw.slice(0, query);
}

/**
 * One gateway process: the protocol server (server-kit) over the router, accounting (keys,
 * limits, ledger, metrics), the admin and operational routes, the playground, and a graceful
 * shutdown that drains in-flight streams before closing the database.
 */
export class Gateway {
  readonly config: ResolvedConfig;
  readonly accounting: Accounting;
  readonly catalog: ModelCatalog;
  readonly router: Router;
  readonly server: Server;
  /** The playground directory being served, if any. */
  readonly playground: string | undefined;
  readonly #logger: pino.Logger;
  readonly #open = new Set<ServerResponse>();
  #draining = false;
  #closed: Promise<void> | undefined;
  #openapi: string | undefined;
  #discovery: ReturnType<typeof setInterval> | undefined;
  readonly #unfinished: () => number;
  /** With `redis.url`: circuit breakers shared by every instance. */
  readonly #breakers: SharedBreakers | undefined;
  readonly #cache: ResponseCache | undefined;
  /** With tracing on (`telemetry`, `OTEL_EXPORTER_OTLP_*`): the spans' exporter. */
  readonly #tracer: RequestTracer | undefined;
  readonly #embeddingDeps: EmbeddingsDeps;
  /** Stored responses of `POST /v1/responses` (in `storage`). */
  readonly #responses: ClosableResponseStore;
  /** With `server.admission.enabled`: the 503 answer to more than the process can carry. */
  readonly #shedder: LoadShedder | undefined;

  private constructor(
    options: CreateGatewayOptions,
    accounting: Accounting,
    cache: ResponseCache | undefined,
    tracer: RequestTracer | undefined,
    responses: ClosableResponseStore,
  ) {
    const { config, logger, scrubber } = options;
    this.config = config;
    this.#logger = logger;
    for (const provider of config.providers) scrubber.add(provider.apiKey);
    scrubber.add(config.adminKey);

    const adapters = config.providers.map((provider) => ({
      provider,
      adapter: createProviderAdapter(provider),
    }));
    this.accounting = accounting;
    const { metrics } = this.accounting;
    this.catalog = new ModelCatalog({
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
    metrics.boundNames(this.catalog);
    this.#breakers = config.redis.url
      ? new SharedBreakers({
          url: config.redis.url,
          logger,
          onUntracked: (deployment, state) => metrics.breakerState({ deployment, state }),
        })
      : undefined;
    const { maxPassthroughModels: _, ...routing } = config.routing;
    this.router = new Router({
      ...routing,
      breakers: this.#breakers,
      isTracked: (deployment) => this.catalog.isKnownDeployment(deployment.id),
      onAnswered: (route) => this.catalog.prove(route),
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
    const { unfinished, ...hooks } = createGatewayHooks({
      accounting: this.accounting,
      catalog: this.catalog,
      router: this.router,
      requestLimits: {
        maxMessages: config.limits.maxMessages,
        maxTools: config.limits.maxTools,
        allowRoutingFields: config.limits.allowRoutingFields,
      },
      usageAfterCut: { ms: config.limits.usageAfterCutMs, maxBytes: config.limits.usageAfterCutBytes },
      ...(cache ? { cache: cacheStage(cache, metrics) } : {}),
    });
    this.#unfinished = unfinished;
    this.#embeddingDeps = {
      accounting,
      catalog: this.catalog,
      router: this.router,
      logger: toKitLogger(logger),
    };
    this.#cache = cache;
    this.#tracer = tracer;
    this.#responses = responses;
    const { enabled: shedding, ...admission } = config.server.admission;
    this.#shedder = shedding
      ? new LoadShedder({ ...admission, onRefused: (cause) => metrics.overloadRefusals.inc([cause]) })
      : undefined;
    const chat = createChatServer({
      ...(tracer ? withTracing(hooks, tracer) : hooks),
      doors: [
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
    this.playground = playgroundDir(config.server.playground);
    const serveStatic = this.playground
      ? createStaticHandler(this.playground, (res, error) => this.#fail(res, error))
      : undefined;
    const protocol = createNodeHandler(chat, {
      onUnmatched: (req, res) => {
        this.#other(req, res, serveStatic).catch((error: unknown) => this.#fail(res, error));
      },
    });
    const serverOptions = {
      keepAliveTimeout: 65_000,
      // Both bound only receiving the request, never a long answer; checked every second so that
      // a slow client is cut off close to its deadline.
      headersTimeout: config.server.headersTimeoutMs,
      requestTimeout: config.server.requestTimeoutMs,
      connectionsCheckingInterval: 1_000,
    };
    this.server = createServer(serverOptions, (req, res) => {
      this.#open.add(res);
      res.once('close', () => this.#open.delete(res));
      if (req.headers.origin && applyCors(config.server.cors, req, res, pathOf(req.url))) return;
      if (this.#draining) {
        res.setHeader('connection', 'close');
        const path = pathOf(req.url);
        if (path !== '/healthz' && path !== '/readyz') {
          sendError(
            res,
            new ServerError({
              message: 'The gateway is shutting down.',
              code: ErrorCode.overloaded,
              status: 503,
              retryAfterMs: 1_000,
            }),
            { 'retry-after': '1' },
          );
          return;
        }
      }
      if (this.#shedder && !this.#shedder.admit(req, res)) return;
      protocol(req, res).catch((error: unknown) => this.#fail(res, error));
    });
    this.server.on('clientError', clientErrorListener(metrics));
  }

  /** Builds the gateway and lists the providers' models (each listing bounded by a timeout). */
  static async create(options: CreateGatewayOptions): Promise<Gateway> {
    const { config, logger } = options;
    const accounting = await openAccounting({
      databasePath: join(config.server.dataDir, DATABASE_FILE),
      storageUrl: config.storage.url,
      redisUrl: config.redis.url,
      onError: (error) =>
        logger.warn(
          { error: error instanceof Error ? error.message : String(error) },
          'shared storage error',
        ),
      ...(config.adminKey ? { adminKey: config.adminKey } : {}),
      ...(options.deferAdminKey ? { deferAdminKey: true } : {}),
      keyLookups: { lookupsPerSecond: config.keyLookupsPerSecond },
      pricing: config.prices,
      priceProviders: priceProvidersOf(config.providers),
      onUnpriced: (model, provider) => {
        // The simulator's answers are free by design: not worth a warning.
        if (config.providers.some((p) => p.name === provider && p.type === 'simulator')) return;
        logger.warn(
          { model, provider },
          'no price for this model: its requests cost 0 unless the upstream reports a cost (add it to prices: in the config)',
        );
      },
      limitsDefaults: {
        rpm: config.limits.rpm ?? null,
        tpm: config.limits.tpm ?? null,
        budgetUsd: config.limits.budgetUsd ?? null,
        budgetPeriod: config.limits.budgetPeriod,
      },
      ...(config.limits.defaultMaxTokens ? { defaultMaxTokens: config.limits.defaultMaxTokens } : {}),
    });
    const cache = await openResponseCache({
      config: config.cache,
      redisUrl: config.redis.url,
      onDown: (error) =>
        logger.warn(
          { error: error instanceof Error ? error.message : String(error) },
          'response cache unavailable (Redis): answering without it until it is back',
        ),
      onUp: () => logger.info('response cache available again (Redis)'),
    });
    const tracer = await openTracer(config.telemetry);
    const responses = await openResponseStore({
      databasePath: join(config.server.dataDir, DATABASE_FILE),
      storageUrl: config.storage.url,
      retentionSeconds: config.responses.retentionSeconds,
      onError: (error) =>
        logger.warn(
          { error: error instanceof Error ? error.message : String(error) },
          'response store error',
        ),
    });
    const gateway = new Gateway(options, accounting, cache, tracer, responses);
    await Promise.all([gateway.catalog.refresh(), gateway.#breakers?.ready]);
    gateway.#discovery = setInterval(
      () => void gateway.catalog.refresh(),
      options.config.routing.discoveryRefreshMs,
    );
    gateway.#discovery.unref();
    return gateway;
  }

  /** Starts listening; resolves with the base URL. */
  async listen(): Promise<string> {
    const { host, port } = this.config.server;
    // Node's default backlog (511) overflows under bursts of new connections (thousands of streams).
    this.server.listen({ port, host, backlog: 4096 });
    await once(this.server, 'listening');
    const address = this.server.address() as AddressInfo;
    const shownHost = address.family === 'IPv6' ? `[${address.address}]` : address.address;
    return `http://${shownHost}:${address.port}`;
  }

  /** Requests (and streams) being served right now. */
  get inFlight(): number {
    return this.#open.size;
  }

  /**
   * Graceful stop: refuse new requests (503, `/readyz` says draining), let in-flight requests and
   * streams finish for up to `server.shutdownTimeoutMs`, then cut the rest (their upstream calls
   * are aborted and their ledger rows written), and close the database. Idempotent.
   */
  shutdown(): Promise<void> {
    this.#closed ??= this.#shutdown();
    return this.#closed;
  }

  async #shutdown(): Promise<void> {
    this.#draining = true;
    clearInterval(this.#discovery);
    const closed = new Promise<void>((resolve) => this.server.close(() => resolve()));
    const deadline = Date.now() + this.config.server.shutdownTimeoutMs;
    this.#logger.info(
      { in_flight: this.#open.size, timeout_ms: this.config.server.shutdownTimeoutMs },
      'draining',
    );
    while (this.#open.size > 0 && Date.now() < deadline) {
      this.server.closeIdleConnections();
      await new Promise((resolve) => setTimeout(resolve, 25));
    }
    if (this.#open.size > 0) {
      this.#logger.warn(
        { in_flight: this.#open.size },
        'shutdown deadline passed: closing the remaining connections',
      );
      this.server.closeAllConnections();
    }
    this.server.closeAllConnections();
    await closed;
    // Cut streams end asynchronously (their upstream calls are aborted first): wait for their
    // ledger rows before closing the database.
    const grace = Date.now() + 5_000;
    while (this.#unfinished() > 0 && Date.now() < grace)
      await new Promise((resolve) => setTimeout(resolve, 10));
    if (this.#unfinished() > 0) {
      this.#logger.error(
        { unfinished: this.#unfinished() },
        'closing the database with unwritten ledger rows',
      );
    }
    // With PostgreSQL, ship the spooled ledger rows now (what fails stays spooled for the next start).
    await this.accounting.store
      .flush()
      .catch((error: unknown) =>
        this.#logger.warn(
          { error: error instanceof Error ? error.message : String(error) },
          'ledger not shipped',
        ),
      );
    this.accounting.close();
    await this.#responses.close();
    this.#shedder?.close();
    this.#breakers?.close();
    await this.#cache?.close();
    // The last spans (the requests just drained) go out before the process ends.
    await this.#tracer
      ?.shutdown()
      .catch((error: unknown) =>
        this.#logger.warn(
          { error: error instanceof Error ? error.message : String(error) },
          'traces not exported',
        ),
      );
    this.#logger.info('stopped');
  }

  #fail(res: ServerResponse, error: unknown): void {
    this.#logger.error({ error: error instanceof Error ? error.message : String(error) }, 'unhandled error');
    if (!res.headersSent) sendError(res, toProtocolError(error));
    else res.destroy();
  }

  /** The caller's key, or undefined once its refusal was sent. */
  async #authenticate(req: IncomingMessage, res: ServerResponse, requestId: string) {
    try {
      const { authorization } = req.headers;
      return await this.accounting.authenticateAsync(bearerToken(authorization), authorization);
    } catch (error) {
      const refusal = AuthenticationError.isInstance(error) ? error : toProtocolError(error);
      sendError(res, refusal.with({ requestId }));
      return undefined;
    }
  }

  async #embeddings(req: IncomingMessage, res: ServerResponse, requestId: string): Promise<void> {
    const principal = await this.#authenticate(req, res, requestId);
    if (!principal) return;
    const body = await readJson(toWebRequest(req, this.config.server.bodyLimitBytes));
    if (ProtocolError.isInstance(body)) return sendError(res, body.with({ requestId }));
    const left = new AbortController();
    res.once('close', () => left.abort());
    const answer = await serveEmbeddings(this.#embeddingDeps, {
      principal,
      requestId,
      body,
      signal: left.signal,
    });
    sendJson(res, answer.status, answer.body, answer.headers);
  }

  async #other(
    req: IncomingMessage,
    res: ServerResponse,
    serveStatic: ReturnType<typeof createStaticHandler> | undefined,
  ): Promise<void> {
    const path = pathOf(req.url);
    const method = req.method ?? 'GET';
    if (path === '/healthz') return sendJson(res, 200, { status: 'ok' });
    if (path === '/readyz') {
      if (this.#draining) return sendJson(res, 503, { status: 'draining' });
      return sendJson(res, 200, {
        status: 'ready',
        providers: this.catalog.status(),
        deployments: this.router.deploymentStates(),
      });
    }
    if (path === '/metrics' && method === 'GET') {
      const body = this.accounting.renderMetrics();
      res.writeHead(200, { 'content-type': 'text/plain; version=0.0.4; charset=utf-8' });
      return void res.end(body);
    }
    if (path === '/openapi.json' && method === 'GET') {
      this.#openapi ??= JSON.stringify(createGatewayOpenAPIDocument());
      res.writeHead(200, { 'content-type': 'application/json', 'access-control-allow-origin': '*' });
      return void res.end(this.#openapi);
    }
    // Every answer from here on carries a request id, errors in their envelope too.
    const requestId = resolveRequestId(req.headers['x-request-id'] as string | undefined);
    res.setHeader('x-request-id', requestId);
    if (path === '/v1/embeddings' && method === 'POST') return this.#embeddings(req, res, requestId);
    if (path === '/v1/usage' || path === '/admin' || path.startsWith('/admin/')) {
      const principal = await this.#authenticate(req, res, requestId);
      if (!principal) return;
      const request = toWebRequest(req, this.config.server.bodyLimitBytes);
      const response =
        path === '/v1/usage'
          ? await handleUsage(this.accounting, request, principal, requestId)
          : await handleAdmin(this.accounting, request, principal, requestId);
      return sendWebResponse(res, response);
    }
    // API paths never fall through to the playground's index.html.
    const api = path === '/v1' || path.startsWith('/v1/');
    if (!api && serveStatic?.(req, res, path)) return;
    if (path === '/' && method === 'GET') {
      return sendJson(res, 200, {
        name: 'switchyard',
        status: 'ok',
        playground: 'not built: run `pnpm --filter @switchyard/playground build`, then restart',
        docs: '/openapi.json',
      });
    }
    sendError(
      res,
      new NotFoundError({
        message: `Unknown route: ${method} ${path.slice(0, 200)}`,
        code: ErrorCode.notFound,
        requestId,
      }),
    );
  }
}
