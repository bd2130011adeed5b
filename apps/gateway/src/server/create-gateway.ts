import { once } from 'node:events';
import { createServer, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { ErrorCode, ServerError } from '@switchyard/protocol';
import type pino from 'pino';
import { type Accounting, openAccounting } from '../accounting/index.js';
import { openResponseCache, type ResponseCache } from '../cache/index.js';
import { DATABASE_FILE, type ResolvedConfig } from '../config/resolve-config.js';
import type { SecretScrubber } from '../logging/create-logger.js';
import { priceProvidersOf } from '../pricing/price-catalogue.js';
import { createProviderAdapters } from '../providers/create-provider-adapters.js';
import { openResponseStore } from '../responses/open-response-store.js';
import type { ClosableResponseStore } from '../responses/sqlite-response-store.js';
import type { ModelCatalog } from '../routing/model-catalog.js';
import type { Router } from '../routing/router.js';
import { openTracer } from '../telemetry/open-tracer.js';
import type { RequestTracer } from '../telemetry/request-tracer.js';
import { clientErrorListener } from './client-errors.js';
import { applyCors } from './cors.js';
import { LoadShedder } from './load-shedder.js';
import { sendError } from './node-web-bridge.js';
import { pathOf } from './route-table.js';
import {
  type ClusterServices,
  type FleetBreakers,
  type GatewayServices,
  wireGateway,
} from './wire-gateway.js';

export interface CreateGatewayOptions {
  readonly config: ResolvedConfig;
  readonly logger: pino.Logger;
  /** Secrets registered here are masked in every log line. */
  readonly scrubber: SecretScrubber;
  /** Create the first admin key later, with `accounting.createFirstAdminKey()` (once listening). */
  readonly deferAdminKey?: boolean;
  /** In a cluster worker (`switchyard start --workers N`): what the workers share through the primary. */
  readonly cluster?: ClusterServices;
}

/**
 * One gateway process: the protocol server (server-kit) over the router, accounting (keys,
 * limits, ledger, metrics), the admin and operational routes, the playground, and a graceful
 * shutdown that drains in-flight streams before closing the database. `create` opens what the
 * gateway needs and wires it (`wireGateway`); the class holds the HTTP server's lifecycle.
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
  #discovery: ReturnType<typeof setInterval> | undefined;
  readonly #unfinished: () => number;
  readonly #breakers: FleetBreakers | undefined;
  readonly #cache: ResponseCache | undefined;
  readonly #tracer: RequestTracer | undefined;
  /** Stored responses of `POST /v1/responses` (in `storage`). */
  readonly #responses: ClosableResponseStore;
  /** With `server.admission.enabled`: the 503 answer to more than the process can carry. */
  readonly #shedder: LoadShedder | undefined;

  private constructor(services: GatewayServices) {
    const { config, logger, accounting } = services;
    const parts = wireGateway(services, () => this.#draining);
    this.config = config;
    this.#logger = logger;
    this.accounting = accounting;
    this.#cache = services.cache;
    this.#responses = services.responses;
    this.#tracer = services.tracer;
    this.catalog = parts.catalog;
    this.router = parts.router;
    this.#breakers = parts.breakers;
    this.#unfinished = parts.unfinished;
    this.playground = parts.playground;
    const { enabled: shedding, ...admission } = config.server.admission;
    this.#shedder = shedding
      ? new LoadShedder({
          ...admission,
          onRefused: (cause) => accounting.metrics.overloadRefusals.inc([cause]),
          encodeError: parts.encodeError,
        })
      : undefined;
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
          const refusal = new ServerError({
            message: 'The gateway is shutting down.',
            code: ErrorCode.overloaded,
            status: 503,
            retryAfterMs: 1_000,
          });
          sendError(res, refusal, { 'retry-after': '1' }, parts.encodeError(req.url ?? '/', refusal));
          return;
        }
      }
      if (this.#shedder && !this.#shedder.admit(req, res)) return;
      parts.serve(req, res).catch((error: unknown) => parts.fail(res, error));
    });
    this.server.on('clientError', clientErrorListener(accounting.metrics));
  }

  /** Builds the gateway and lists the providers' models (each listing bounded by a timeout). */
  static async create(options: CreateGatewayOptions): Promise<Gateway> {
    const { config, logger } = options;
    const adapters = await createProviderAdapters(config);
    const accounting = await openAccounting({
      databasePath: join(config.server.dataDir, DATABASE_FILE),
      storageUrl: config.storage.url,
      redisUrl: config.redis.url,
      shared: options.cluster?.limits,
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
    const gateway = new Gateway({ ...options, accounting, cache, tracer, adapters, responses });
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
}
