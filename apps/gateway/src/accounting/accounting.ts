import {
  AuthenticationError,
  NotFoundError,
  PermissionDeniedError,
  ProtocolError,
  RateLimitError,
  ServerError,
  type Usage,
} from '@switchyard/protocol';
import { uuidV7 } from '@switchyard/server-kit';
import { KeyRing, type KeySettings } from './api-keys.js';
import { BudgetTracker, periodStart } from './budget-tracker.js';
import { GatewayMetrics } from './gateway-metrics.js';
import { type ModelPrice, PriceTable } from './pricing.js';
import { type RateDecision, RateLimiter, type RateLimits } from './rate-limiter.js';
import type { RedisLimits } from './redis-limits.js';
import type { BudgetPeriod, CostSource, KeyRecord, Store } from './store.js';
import { type Bucket, type GroupBy, summariseUsage } from './usage-report.js';

/** Who is calling: the key behind the bearer token. */
export interface Principal {
  readonly keyId: string;
  readonly name: string;
  readonly isAdmin: boolean;
  readonly key: KeyRecord;
}

/** What `admit` reserved for a request; hand it back to `finish`. */
export interface Admission {
  readonly id: string;
  readonly principal: Principal;
  readonly model: string;
  readonly requestId: string;
  readonly stream: boolean;
  readonly reservedTokens: number;
  readonly reservedCost: number;
  /** `x-ratelimit-*` headers to send with the response. */
  readonly headers: Readonly<Record<string, string>>;
}

export interface AdmitRequest {
  /** The public model name the client asked for (what key scopes refer to). */
  model: string;
  requestId: string;
  estimatedPromptTokens: number;
  /** The request's output cap; budgets reserve its worst-case cost. */
  maxOutputTokens?: number | null;
  /** Upstream model ids that may serve the request; the dearest prices the budget reservation. */
  upstreamModels?: readonly string[];
  stream?: boolean;
}

export interface Outcome {
  requestId?: string;
  /** The model name the client asked for (the ledger's `model`). */
  model: string;
  /** The model billed upstream, when it differs (pricing uses it). */
  upstreamModel?: string | null;
  deployment: string | null;
  status: number;
  errorCode: string | null;
  usage: Usage | null | undefined;
  latencyMs: number;
  ttftMs?: number | null;
  streamed?: boolean;
  /** Answered from the response cache: costs nothing and uses no tokens of the key's tpm. */
  cached?: boolean;
  /**
   * The cost the answer's `usage.cost` told the client ({@link Accounting.costOf}, settled once);
   * without it, `usage` is priced here.
   */
  cost?: SettledCost;
}

/** What a request cost, in USD, and who said so. */
export interface SettledCost {
  readonly usd: number;
  readonly source: CostSource;
}

/** Defaults for keys that set none of their own; `null` or absent means unlimited. */
export interface LimitsDefaults {
  rpm?: number | null;
  tpm?: number | null;
  budgetUsd?: number | null;
  budgetPeriod?: BudgetPeriod;
}

export interface AccountingOptions {
  store: Store;
  pricing?: Readonly<Record<string, ModelPrice>>;
  limitsDefaults?: LimitsDefaults;
  /** Output tokens assumed for budget reservations when a request sets no max. */
  defaultMaxTokens?: number;
  metrics?: GatewayMetrics;
  /** The admin key from SWITCHYARD_ADMIN_KEY; without it, the first start creates one. */
  adminKey?: string;
  /** Limits and budgets shared by every instance (Redis); without it, they are per process. */
  shared?: RedisLimits;
  /** Told when the shared limits could not be read or corrected (never about key material). */
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
  readonly bootstrap: { readonly adminKeyCreated: string | undefined };
  /** An admin principal for in-process callers such as the CLI. */
  readonly systemPrincipal: Principal;
  readonly #limiter = new RateLimiter();
  readonly #budgets: BudgetTracker;
  readonly #defaults: LimitsDefaults;
  readonly #defaultMaxTokens: number;
  readonly #shared: RedisLimits | undefined;
  readonly #onSharedError: (error: unknown) => void;
  #seenVersion: number;

  constructor(options: AccountingOptions) {
    this.store = options.store;
    this.#seenVersion = options.store.externalChanges();
    this.keys = new KeyRing(options.store);
    this.#budgets = new BudgetTracker(options.store);
    this.prices = new PriceTable(options.pricing);
    this.metrics = options.metrics ?? new GatewayMetrics();
    this.#defaults = options.limitsDefaults ?? {};
    this.#defaultMaxTokens = options.defaultMaxTokens ?? 4096;
    this.#shared = options.shared;
    this.#onSharedError = options.onSharedError ?? (() => {});
    this.bootstrap = { adminKeyCreated: this.#ensureAdminKey(options.adminKey) };
    const admin = this.keys.list().find((k) => k.isAdmin && k.revokedAt === null) as KeyRecord;
    this.systemPrincipal = { keyId: admin.id, name: 'system', isAdmin: true, key: admin };
  }

  /**
   * With `secret` (SWITCHYARD_ADMIN_KEY) that exact key is stored as an admin key, next to any
   * earlier one; otherwise an admin key is created on the first start only, and returned.
   */
  #ensureAdminKey(secret: string | undefined): string | undefined {
    if (secret) {
      if (!this.keys.has(secret))
        this.keys.create({ name: 'admin (SWITCHYARD_ADMIN_KEY)', isAdmin: true }, secret);
      return undefined;
    }
    if (this.keys.list().some((k) => k.isAdmin && k.revokedAt === null)) return undefined;
    return this.keys.create({ name: 'admin', isAdmin: true }).secret;
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
   * Takes the bearer token (without `Bearer `); throws a 401 for anything but a live key. Keys
   * created or revoked by another process (the CLI, another instance) count from the next request.
   */
  authenticate(token: string | null | undefined): Principal {
    const version = this.store.externalChanges();
    if (version !== this.#seenVersion) {
      this.#seenVersion = version;
      this.keys.reload();
    }
    const secret = token?.trim() || undefined;
    const record = secret ? this.keys.verify(secret) : undefined;
    if (!record) {
      this.metrics.rejections.inc(['auth']);
      throw new AuthenticationError({
        message: secret
          ? 'Incorrect API key provided.'
          : 'Missing API key: send it as "Authorization: Bearer <key>".',
        code: 'invalid_api_key',
      });
    }
    return { keyId: record.id, name: record.name, isAdmin: record.isAdmin, key: record };
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
    if (budget && !this.#budgets.reserve(key.id, budget.usd, budget.period, reservedCost, now))
      throw this.#budgetRefusal(budget);
    const decision = this.#limiter.take(key.id, limits, tokens, now);
    if (!decision.ok) {
      if (budget) this.#budgets.settle(key.id, budget.period, reservedCost, 0, now);
      throw this.#rateRefusal(decision, limits, tokens);
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
        const ok = await shared.reserve(key.id, start, budget.usd, reservedCost, () =>
          this.store.spentSince(key.id, start),
        );
        if (!ok) throw this.#budgetRefusal(budget);
      }
      const decision = await shared.take(key.id, limits, tokens, now);
      if (!decision.ok) {
        if (budget) await shared.settle(key.id, start, reservedCost, 0);
        throw this.#rateRefusal(decision, limits, tokens);
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
    const admission: Admission = { ...base, stream, reservedTokens: 0, reservedCost: 0, headers: {} };
    if (principal.isAdmin) return { limited: false as const, admission };
    if (key.allowedModels !== null && !key.allowedModels.includes(request.model)) {
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
    const tokens = request.estimatedPromptTokens + (limits.tpm === null ? 0 : maxTokens);
    const budget = this.#budgetOf(key);
    let reservedCost = 0;
    if (budget) {
      const models = request.upstreamModels?.length ? request.upstreamModels : [request.model];
      reservedCost = Math.max(
        ...models.map((m) => this.prices.maxCostOf(m, request.estimatedPromptTokens, maxTokens)),
      );
    }
    return {
      limited: true as const,
      key,
      limits,
      tokens,
      budget,
      reservedCost,
      admission: { ...admission, reservedTokens: limits.tpm === null ? 0 : tokens, reservedCost },
    };
  }

  #budgetRefusal(budget: { usd: number; period: BudgetPeriod }): RateLimitError {
    this.metrics.rejections.inc(['budget']);
    return new RateLimitError({
      message: `This API key has used its budget of $${budget.usd} for this ${budget.period === 'total' ? 'key' : budget.period}.`,
      code: 'budget_exceeded',
      retryable: false,
    });
  }

  #rateRefusal(decision: RateDecision & { ok: false }, limits: RateLimits, tokens: number): RateLimitError {
    this.metrics.rejections.inc([decision.kind === 'requests' ? 'rpm' : 'tpm']);
    const message =
      decision.kind === 'requests'
        ? `Rate limit reached: ${limits.rpm} requests per minute for this key.`
        : decision.retryable
          ? `Rate limit reached: ${limits.tpm} tokens per minute for this key.`
          : `This request (about ${tokens} tokens) is larger than this key's limit of ${limits.tpm} tokens per minute.`;
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
   * recorded and charged as is), else the price table's price of `usage` on `model`.
   */
  costOf(model: string, usage: Usage | null | undefined): SettledCost {
    const reported = usage?.cost;
    if (typeof reported === 'number' && Number.isFinite(reported) && reported >= 0)
      return { usd: reported, source: 'upstream' };
    return { usd: usage ? this.prices.costOf(model, usage) : 0, source: 'price_table' };
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
      : (outcome.cost ?? this.costOf(outcome.upstreamModel ?? outcome.model, usage));
    const cost = settled.usd;
    const key = admission.principal.key;
    const prompt = usage?.prompt_tokens ?? 0;
    const completion = usage?.completion_tokens ?? 0;
    const cached = usage?.prompt_tokens_details?.cached_tokens ?? 0;
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
      reasoningTokens: reasoning,
      cost,
      costSource: settled.source,
      latencyMs: outcome.latencyMs,
      ttftMs,
      status: outcome.status,
      errorCode: outcome.errorCode,
      stream: outcome.streamed ?? admission.stream,
      cached: fromCache,
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
