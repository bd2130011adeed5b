import {
  AuthenticationError,
  NotFoundError,
  PermissionDeniedError,
  ProtocolError,
  RateLimitError,
  ServerError,
  type Usage,
} from '@switchyard/protocol';
import { missingApiKeyMessage, uuidV7 } from '@switchyard/server-kit';
import { KeyRing, type KeySettings } from '../keys/api-keys.js';
import type { UnknownKeyLimits } from '../keys/unknown-keys.js';
import { periodStart } from '../ledger/budget-period.js';
import type { BudgetPeriod, KeyRecord, Store } from '../ledger/store.js';
import { type Bucket, type GroupBy, summariseUsage } from '../ledger/usage-report.js';
import { budgetRefusal, type WorstCase } from '../limits/budget-refusal.js';
import { BudgetTracker } from '../limits/budget-tracker.js';
import { type RateDecision, RateLimiter, type RateLimits } from '../limits/rate-limiter.js';
import type { SharedLimits } from '../limits/shared-limits.js';
import { GatewayMetrics } from '../metrics/gateway-metrics.js';
import { type PriceOverrides, PriceTable, type PriceTableOptions } from '../pricing/pricing.js';
import type {
  Admission,
  AdmitRequest,
  LimitsDefaults,
  Outcome,
  Principal,
  SettledCost,
} from './request-records.js';

export interface AccountingOptions {
  store: Store;
  /** The config's `prices:`, over the catalogue's. */
  pricing?: PriceOverrides;
  /** Each configured provider's catalogue provider id (see {@link PriceTableOptions.providers}). */
  priceProviders?: PriceTableOptions['providers'];
  /** Told once per provider and model without a price (it costs 0). */
  onUnpriced?: PriceTableOptions['onUnpriced'];
  limitsDefaults?: LimitsDefaults;
  /** Output tokens assumed for budget reservations when a request sets no max. */
  defaultMaxTokens?: number;
  metrics?: GatewayMetrics;
  /** The admin key from SWITCHYARD_ADMIN_KEY; without it, the first start creates one. */
  adminKey?: string;
  /**
   * Leave creating the first admin key to {@link Accounting.createFirstAdminKey} (the server calls
   * it once it listens, so a start that fails does not use up the key it could not show).
   */
  deferAdminKey?: boolean;
  /**
   * Limits and budgets shared by every instance (Redis) or every worker (the cluster's primary);
   * without it, they are per process.
   */
  shared?: SharedLimits;
  /** Keeps lookups of keys unknown here cheap (see `Accounting.authenticateAsync`). */
  keyLookups?: UnknownKeyLimits;
  /**
   * Told when the shared limits, or the shared store for a key lookup, could not be read or
   * corrected (never about key material).
   */
  onSharedError?: (error: unknown) => void;
}

/**
 * Keys, limits, budgets, cost and the ledger: everything the gateway decides and records about a
 * request besides routing it. All checks are synchronous, so concurrent requests are admitted
 * exactly up to their limits.
 */
export class Accounting {
  readonly keys: KeyRing;
  readonly metrics: GatewayMetrics;
  readonly prices: PriceTable;
  readonly store: Store;
  /** Set when this start created the admin key: its plaintext, to print once. */
  readonly bootstrap: { adminKeyCreated: string | undefined } = { adminKeyCreated: undefined };
  readonly #limiter = new RateLimiter();
  readonly #budgets: BudgetTracker;
  readonly #defaults: LimitsDefaults;
  readonly #defaultMaxTokens: number;
  readonly #shared: SharedLimits | undefined;
  readonly #onSharedError: (error: unknown) => void;

  constructor(options: AccountingOptions) {
    this.store = options.store;
    this.metrics = options.metrics ?? new GatewayMetrics();
    const lookups = this.metrics.keyLookups;
    this.keys = new KeyRing(options.store, {
      ...options.keyLookups,
      onLookup: (result) => lookups.inc([result]),
    });
    this.#budgets = new BudgetTracker(options.store);
    this.prices = new PriceTable({
      ...(options.pricing ? { prices: options.pricing } : {}),
      ...(options.priceProviders ? { providers: options.priceProviders } : {}),
      ...(options.onUnpriced ? { onUnpriced: options.onUnpriced } : {}),
    });
    this.#defaults = options.limitsDefaults ?? {};
    this.#defaultMaxTokens = options.defaultMaxTokens ?? 4096;
    this.#shared = options.shared;
    this.#onSharedError = options.onSharedError ?? (() => {});
    // That exact key is stored as an admin key, next to any earlier one.
    if (options.adminKey && !this.keys.has(options.adminKey))
      this.keys.create({ name: 'admin (SWITCHYARD_ADMIN_KEY)', isAdmin: true }, options.adminKey);
    if (!options.deferAdminKey) this.createFirstAdminKey();
  }

  /**
   * Creates an admin key when there is no live one (the first start), and returns its plaintext,
   * also kept in {@link bootstrap}; undefined when an admin key exists. Committed by `store.flush()`.
   */
  createFirstAdminKey(): string | undefined {
    if (this.keys.list().some((k) => k.isAdmin && k.revokedAt === null)) return undefined;
    this.bootstrap.adminKeyCreated = this.keys.create({ name: 'admin', isAdmin: true }).secret;
    return this.bootstrap.adminKeyCreated;
  }

  /** Creates a key; the returned `secret` is the only copy of it. */
  createKey(settings: KeySettings): { record: KeyRecord; secret: string } {
    return this.keys.create(settings);
  }

  listKeys(): KeyRecord[] {
    return this.keys.list();
  }

  /** Revokes a key, effective for the next request; throws a 404 for an unknown id. */
  revokeKey(id: string): KeyRecord {
    const revoked = this.keys.revoke(id);
    if (!revoked)
      throw new NotFoundError({ message: `No API key with id '${id}'.`, code: 'not_found', param: 'id' });
    return revoked;
  }

  /**
   * Takes the bearer token (without `Bearer `); throws a 401 for anything but a live key known to
   * this process. Keys created or revoked by another process (the CLI, another instance) count
   * from the next request after their change reached this process; the request path uses
   * `authenticateAsync`, which does not wait for that.
   */
  authenticate(token: string | null | undefined): Principal {
    const secret = token?.trim() || undefined;
    return this.#principal(secret, secret ? this.keys.verify(secret) : undefined);
  }

  /**
   * `authenticate`, except that a key unknown to this process is looked up in the shared store
   * first (bounded: see {@link UnknownKeyLimits}), so a key is accepted by every instance from its
   * first request. Throws a 503 when that lookup fails: the key may well be valid.
   */
  async authenticateAsync(token: string | null | undefined, authorization?: string): Promise<Principal> {
    const secret = token?.trim() || undefined;
    if (!secret) return this.#principal(secret, undefined, authorization);
    try {
      return this.#principal(secret, await this.keys.verifyShared(secret));
    } catch (error) {
      if (ProtocolError.isInstance(error)) throw error;
      this.#onSharedError(error);
      throw new ServerError({
        message: 'API keys cannot be checked right now; retry shortly.',
        code: 'server_error',
        status: 503,
        retryable: true,
      });
    }
  }

  /**
   * The principal of a verified key, or the 401 for the key that did not verify: missing (with why,
   * from the raw `authorization` header), revoked, expired, or unknown.
   */
  #principal(secret: string | undefined, record: KeyRecord | undefined, authorization?: string): Principal {
    if (!record) {
      this.metrics.rejections.inc(['auth']);
      throw new AuthenticationError({
        message: secret ? this.#refusal(secret) : missingApiKeyMessage(authorization),
        code: 'invalid_api_key',
      });
    }
    return { keyId: record.id, name: record.name, isAdmin: record.isAdmin, key: record };
  }

  // Said only to whoever holds the exact secret, so it reveals nothing to a guesser.
  #refusal(secret: string): string {
    const known = this.keys.find(secret);
    if (known?.revokedAt != null) return 'This API key was revoked: ask an admin for a new one.';
    if (known?.expiresAt != null && known.expiresAt <= Date.now())
      return `This API key expired at ${new Date(known.expiresAt).toISOString()}: ask an admin for a new one.`;
    return 'Incorrect API key provided.';
  }

  /**
   * Checks model access, rate limits and budget, and reserves what the request may use, all in
   * this process's memory (synchronous, so concurrent requests are admitted exactly up to their
   * limits). With `shared` limits configured, use `admitAsync`.
   */
  admit(principal: Principal, request: AdmitRequest, now = Date.now()): Admission {
    const plan = this.#plan(principal, request);
    if (!plan.limited) return plan.admission;
    const { key, limits, tokens, budget, reservedCost } = plan;
    if (budget) {
      const reservation = this.#budgets.reserve(key.id, budget.usd, budget.period, reservedCost, now);
      if (!reservation.ok) throw this.#budgetRefusal(budget, reservation.left, plan.worst);
    }
    const decision = this.#limiter.take(key.id, limits, tokens, now);
    if (!decision.ok) {
      if (budget) this.#budgets.settle(key.id, budget.period, reservedCost, 0, now);
      throw this.#rateRefusal(decision, limits, tokens, plan.worst.n);
    }
    return { ...plan.admission, headers: decision.headers };
  }

  /**
   * `admit`, with the limits and budgets every instance shares (Redis) when `shared` is
   * configured; without it, the synchronous in-memory `admit`.
   */
  async admitAsync(principal: Principal, request: AdmitRequest, now = Date.now()): Promise<Admission> {
    const shared = this.#shared;
    if (!shared) return this.admit(principal, request, now);
    const plan = this.#plan(principal, request);
    if (!plan.limited) return plan.admission;
    const { key, limits, tokens, budget, reservedCost } = plan;
    if (!budget && limits.rpm === null && limits.tpm === null) return plan.admission;
    try {
      const start = budget ? periodStart(budget.period, now) : 0;
      if (budget) {
        const reservation = await shared.reserve(key.id, start, budget.usd, reservedCost, () =>
          this.store.spentSince(key.id, start),
        );
        if (!reservation.ok) throw this.#budgetRefusal(budget, reservation.left, plan.worst);
      }
      const decision = await shared.take(key.id, limits, tokens, now);
      if (!decision.ok) {
        if (budget) await shared.settle(key.id, start, reservedCost, 0);
        throw this.#rateRefusal(decision, limits, tokens, plan.worst.n);
      }
      return { ...plan.admission, headers: decision.headers };
    } catch (error) {
      if (ProtocolError.isInstance(error)) throw error;
      this.#onSharedError(error);
      // Fail closed: without the shared counters no instance can tell whether the key has room.
      throw new ServerError({
        message: 'Rate limits are unavailable right now; retry shortly.',
        code: 'server_error',
        status: 503,
        retryable: true,
      });
    }
  }

  #plan(principal: Principal, request: AdmitRequest) {
    const key = principal.key;
    const base = { id: uuidV7(), principal, model: request.model, requestId: request.requestId };
    const stream = request.stream ?? false;
    const promptTokens = request.estimatedPromptTokens;
    const admission: Admission = {
      ...base,
      stream,
      reservedTokens: 0,
      reservedCost: 0,
      estimatedPromptTokens: promptTokens,
      headers: {},
    };
    if (principal.isAdmin) return { limited: false as const, admission };
    const names = request.modelNames ?? [request.model];
    if (key.allowedModels !== null && !key.allowedModels.some((m) => names.includes(m))) {
      this.metrics.rejections.inc(['model_not_allowed']);
      throw new PermissionDeniedError({
        message: `This API key may not use model '${request.model}'.`,
        code: 'permission_denied',
        param: 'model',
      });
    }
    const limits: RateLimits = {
      rpm: key.rpm ?? this.#defaults.rpm ?? null,
      tpm: key.tpm ?? this.#defaults.tpm ?? null,
    };
    const maxTokens = request.maxOutputTokens ?? this.#defaultMaxTokens;
    const n = request.n ?? 1;
    // Each of the n choices may run to max_tokens; the prompt is read (and billed) once.
    const outputTokens = maxTokens * n;
    const tokens = promptTokens + (limits.tpm === null ? 0 : outputTokens);
    const budget = this.#budgetOf(key);
    const models = request.upstreamModels?.length ? request.upstreamModels : [{ model: request.model }];
    const reservedCost = budget
      ? Math.max(...models.map((m) => this.prices.maxCostOf(m.model, promptTokens, outputTokens, m.provider)))
      : 0;
    const worst: WorstCase = {
      promptTokens,
      maxTokens,
      explicitMax: request.maxOutputTokens != null,
      n,
      models,
      cost: reservedCost,
    };
    return {
      limited: true as const,
      key,
      limits,
      tokens,
      budget,
      reservedCost,
      worst,
      admission: { ...admission, reservedTokens: limits.tpm === null ? 0 : tokens, reservedCost },
    };
  }

  #budgetRefusal(
    budget: { usd: number; period: BudgetPeriod },
    left: number,
    worst: WorstCase,
  ): RateLimitError {
    this.metrics.rejections.inc(['budget']);
    return budgetRefusal(budget, left, worst, this.prices);
  }

  #rateRefusal(
    decision: RateDecision & { ok: false },
    limits: RateLimits,
    tokens: number,
    n: number,
  ): RateLimitError {
    this.metrics.rejections.inc([decision.kind === 'requests' ? 'rpm' : 'tpm']);
    const message =
      decision.kind === 'requests'
        ? `Rate limit reached: ${limits.rpm} requests per minute for this key.`
        : decision.retryable
          ? `Rate limit reached: ${limits.tpm} tokens per minute for this key.`
          : `This request (about ${tokens} tokens: the prompt, and max_tokens for each of its ${n} choice${n === 1 ? '' : 's'}) is larger than this key's limit of ${limits.tpm} tokens per minute. Lower max_tokens${n === 1 ? '' : ' or n'}.`;
    return Object.assign(
      new RateLimitError({
        message,
        code: 'rate_limit_exceeded',
        retryable: decision.retryable,
        retryAfterMs: decision.retryAfterMs,
      }),
      { headers: decision.headers },
    );
  }

  #budgetOf(key: KeyRecord): { usd: number; period: BudgetPeriod } | undefined {
    if (key.budgetUsd !== null) return { usd: key.budgetUsd, period: key.budgetPeriod };
    const usd = this.#defaults.budgetUsd;
    return usd === undefined || usd === null
      ? undefined
      : { usd, period: this.#defaults.budgetPeriod ?? 'month' };
  }

  /**
   * What a request cost: the upstream's own `usage.cost` when it reported one (its bill: returned,
   * recorded and charged as is), else the price table's price of `usage` on `model` at `provider`
   * (a configured provider's name).
   */
  costOf(model: string, usage: Usage | null | undefined, provider?: string): SettledCost {
    const reported = usage?.cost;
    if (typeof reported === 'number' && Number.isFinite(reported) && reported >= 0)
      return { usd: reported, source: 'upstream' };
    return { usd: usage ? this.prices.costOf(model, usage, provider) : 0, source: 'price_table' };
  }

  /**
   * Settles a request: writes its ledger row (`committed` resolves once it is on disk), corrects
   * the token count and the budget, and records metrics. Send the last byte to the client after
   * `committed` resolved.
   */
  finish(
    admission: Admission,
    outcome: Outcome,
    now = Date.now(),
  ): { cost: number; committed: Promise<void> } {
    const usage = outcome.usage ?? null;
    const fromCache = outcome.cached === true;
    const settled: SettledCost = fromCache
      ? { usd: 0, source: 'price_table' }
      : (outcome.cost ??
        this.costOf(outcome.upstreamModel ?? outcome.model, usage, outcome.upstreamProvider ?? undefined));
    const cost = settled.usd;
    const key = admission.principal.key;
    const prompt = usage?.prompt_tokens ?? 0;
    const completion = usage?.completion_tokens ?? 0;
    const cached = usage?.prompt_tokens_details?.cached_tokens ?? 0;
    const cacheWrite = usage?.prompt_tokens_details?.cache_write_tokens ?? 0;
    const reasoning = usage?.completion_tokens_details?.reasoning_tokens ?? 0;
    const ttftMs = outcome.ttftMs ?? null;
    const committed = this.store.appendLedger({
      id: admission.id,
      ts: now,
      requestId: admission.requestId,
      keyId: admission.principal.keyId,
      model: outcome.model,
      deployment: outcome.deployment,
      promptTokens: prompt,
      completionTokens: completion,
      cachedTokens: cached,
      cacheWriteTokens: cacheWrite,
      reasoningTokens: reasoning,
      cost,
      costSource: settled.source,
      latencyMs: outcome.latencyMs,
      ttftMs,
      status: outcome.status,
      errorCode: outcome.errorCode,
      stream: outcome.streamed ?? admission.stream,
      cached: fromCache,
      usageEstimated: outcome.usageEstimated === true,
      route: outcome.route ?? 'chat.completions',
    });
    const used = fromCache ? 0 : prompt + completion;
    const budget = admission.principal.isAdmin ? undefined : this.#budgetOf(key);
    const shared = this.#shared;
    if (shared) {
      // The shared counters are corrected in the background.
      const settle = async () => {
        if (admission.reservedTokens > 0)
          await shared.adjustTokens(key.id, used - admission.reservedTokens, now);
        if (budget)
          await shared.settle(key.id, periodStart(budget.period, now), admission.reservedCost, cost);
      };
      settle().catch((error: unknown) => this.#onSharedError(error));
    } else {
      if (admission.reservedTokens > 0)
        this.#limiter.adjustTokens(key.id, used - admission.reservedTokens, now);
      if (budget) this.#budgets.settle(key.id, budget.period, admission.reservedCost, cost, now);
    }
    const deployment = outcome.deployment ?? 'none';
    const status = String(outcome.status);
    const m = this.metrics;
    m.requests.inc([outcome.model, deployment, status]);
    m.latency.observe([outcome.model, deployment, status], outcome.latencyMs / 1000);
    if (ttftMs !== null) m.ttft.observe([outcome.model, deployment], ttftMs / 1000);
    if (usage && !fromCache) {
      m.tokens.inc([outcome.model, deployment, 'prompt'], prompt);
      m.tokens.inc([outcome.model, deployment, 'completion'], completion);
      if (cached) m.tokens.inc([outcome.model, deployment, 'cached'], cached);
      if (cacheWrite) m.tokens.inc([outcome.model, deployment, 'cache_write'], cacheWrite);
      if (reasoning) m.tokens.inc([outcome.model, deployment, 'reasoning'], reasoning);
    }
    if (cost) m.cost.inc([outcome.model], cost);
    return { cost, committed };
  }

  /** Usage report over the ledger (the same one `/admin/usage` serves). */
  async usageSummary(query: {
    keyId?: string;
    since?: number;
    until?: number;
    model?: string;
    groupBy?: GroupBy;
    bucket?: Bucket;
  }) {
    const rows = await this.store.queryLedger({
      from: query.since ?? 0,
      ...(query.until === undefined ? {} : { to: query.until }),
      ...(query.keyId === undefined ? {} : { keyId: query.keyId }),
      ...(query.model === undefined ? {} : { model: query.model }),
    });
    return summariseUsage(rows, query.groupBy ?? 'model', query.bucket ?? 'day');
  }

  renderMetrics(): string {
    return this.metrics.render();
  }

  close(): void {
    this.store.close();
    this.#shared?.close();
  }
}
