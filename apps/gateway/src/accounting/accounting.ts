import { randomUUID } from 'node:crypto';
import { AuthenticationError, PermissionDeniedError, RateLimitError, type Usage } from '@switchyard/protocol';
import { KeyRing, type KeySettings } from './api-keys.js';
import { BudgetTracker } from './budget-tracker.js';
import { GatewayMetrics } from './gateway-metrics.js';
import { type ModelPrice, PriceTable } from './pricing.js';
import { RateLimiter, type RateLimits } from './rate-limiter.js';
import type { KeyRecord, Store } from './store.js';

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
  model: string;
  requestId: string;
  estimatedPromptTokens: number;
  /** The request's output cap; budgets reserve its worst-case cost. */
  maxTokens?: number | null;
  stream?: boolean;
}

export interface Outcome {
  /** The model name the client asked for (the ledger's `model`). */
  model: string;
  /** The model that was actually billed upstream, when it differs (pricing uses it). */
  upstreamModel?: string | null;
  deployment: string | null;
  status: number;
  errorCode: string | null;
  usage: Usage | null | undefined;
  latencyMs: number;
  ttftMs: number | null;
}

export interface AccountingOptions {
  store: Store;
  prices?: Readonly<Record<string, ModelPrice>>;
  /** Limits for keys that have none of their own; `null` means unlimited. */
  defaultLimits?: Partial<RateLimits>;
  /** Output tokens assumed for budget reservations when a request sets no max. */
  defaultMaxTokens?: number;
  metrics?: GatewayMetrics;
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
  readonly #limiter = new RateLimiter();
  readonly #budgets: BudgetTracker;
  readonly #defaultLimits: RateLimits;
  readonly #defaultMaxTokens: number;

  constructor(options: AccountingOptions) {
    this.store = options.store;
    this.keys = new KeyRing(options.store);
    this.#budgets = new BudgetTracker(options.store);
    this.prices = new PriceTable(options.prices);
    this.metrics = options.metrics ?? new GatewayMetrics();
    this.#defaultLimits = {
      rpm: options.defaultLimits?.rpm ?? null,
      tpm: options.defaultLimits?.tpm ?? null,
    };
    this.#defaultMaxTokens = options.defaultMaxTokens ?? 4096;
  }

  /**
   * Makes sure an admin key exists. With `secret` (from SWITCHYARD_ADMIN_KEY) that exact key is
   * stored; otherwise a new one is created on the first start only. Returns the secret when it was
   * created now, so the caller can print it once.
   */
  ensureAdminKey(secret?: string): { created: boolean; secret?: string } {
    if (secret) {
      if (this.keys.has(secret)) return { created: false };
      this.keys.create({ name: 'admin (from SWITCHYARD_ADMIN_KEY)', isAdmin: true }, secret);
      return { created: false };
    }
    if (this.keys.list().some((k) => k.isAdmin && k.revokedAt === null)) return { created: false };
    return { created: true, secret: this.keys.create({ name: 'admin', isAdmin: true }).secret };
  }

  createKey(settings: KeySettings): { record: KeyRecord; secret: string } {
    return this.keys.create(settings);
  }

  /** Reads `Authorization: Bearer <key>`; throws a 401 for anything but a live key. */
  authenticate(authorization: string | null | undefined): Principal {
    const secret = authorization?.startsWith('Bearer ') ? authorization.slice(7).trim() : undefined;
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

  /** Checks model access, rate limits and budget, and reserves what the request may use. */
  admit(principal: Principal, request: AdmitRequest, now = Date.now()): Admission {
    const key = principal.key;
    const base = { id: randomUUID(), principal, model: request.model, requestId: request.requestId };
    const stream = request.stream ?? false;
    if (principal.isAdmin) return { ...base, stream, reservedTokens: 0, reservedCost: 0, headers: {} };
    if (key.allowedModels !== null && !key.allowedModels.includes(request.model)) {
      this.metrics.rejections.inc(['model_not_allowed']);
      throw new PermissionDeniedError({
        message: `This API key may not use model '${request.model}'.`,
        code: 'permission_denied',
        param: 'model',
      });
    }
    const limits: RateLimits = {
      rpm: key.rpm ?? this.#defaultLimits.rpm,
      tpm: key.tpm ?? this.#defaultLimits.tpm,
    };
    const maxTokens = request.maxTokens ?? this.#defaultMaxTokens;
    const tokens = request.estimatedPromptTokens + (limits.tpm === null ? 0 : maxTokens);
    let reservedCost = 0;
    if (key.budgetUsd !== null) {
      reservedCost = this.prices.maxCostOf(request.model, request.estimatedPromptTokens, maxTokens);
      if (!this.#budgets.reserve(key.id, key.budgetUsd, key.budgetPeriod, reservedCost, now)) {
        this.metrics.rejections.inc(['budget']);
        throw new RateLimitError({
          message: `This API key has used its budget of $${key.budgetUsd} for this ${key.budgetPeriod === 'total' ? 'key' : key.budgetPeriod}.`,
          code: 'budget_exceeded',
          retryable: false,
        });
      }
    }
    const decision = this.#limiter.take(key.id, limits, tokens, now);
    if (!decision.ok) {
      if (key.budgetUsd !== null) this.#budgets.settle(key.id, key.budgetPeriod, reservedCost, 0, now);
      this.metrics.rejections.inc([decision.kind === 'requests' ? 'rpm' : 'tpm']);
      throw Object.assign(
        new RateLimitError({
          message:
            decision.kind === 'requests'
              ? `Rate limit reached: ${limits.rpm} requests per minute for this key.`
              : decision.retryable
                ? `Rate limit reached: ${limits.tpm} tokens per minute for this key.`
                : `This request (about ${tokens} tokens) is larger than this key's limit of ${limits.tpm} tokens per minute.`,
          code: 'rate_limit_exceeded',
          retryable: decision.retryable,
          retryAfterMs: decision.retryAfterMs,
        }),
        { headers: decision.headers },
      );
    }
    return {
      ...base,
      stream,
      reservedTokens: limits.tpm === null ? 0 : tokens,
      reservedCost,
      headers: decision.headers,
    };
  }

  costOf(model: string, usage: Usage | null | undefined): number {
    return usage ? this.prices.costOf(model, usage) : 0;
  }

  /**
   * Settles a request: writes its ledger row (committed before this returns), corrects the token
   * count and the budget, and records metrics. Call it before the last byte goes to the client.
   */
  finish(admission: Admission, outcome: Outcome, now = Date.now()): { cost: number } {
    const usage = outcome.usage ?? null;
    const cost = this.costOf(outcome.upstreamModel ?? outcome.model, usage);
    const key = admission.principal.key;
    const prompt = usage?.prompt_tokens ?? 0;
    const completion = usage?.completion_tokens ?? 0;
    const cached = usage?.prompt_tokens_details?.cached_tokens ?? 0;
    const reasoning = usage?.completion_tokens_details?.reasoning_tokens ?? 0;
    this.store.appendLedger({
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
      latencyMs: outcome.latencyMs,
      ttftMs: outcome.ttftMs,
      status: outcome.status,
      errorCode: outcome.errorCode,
      stream: admission.stream,
    });
    if (admission.reservedTokens > 0)
      this.#limiter.adjustTokens(key.id, prompt + completion - admission.reservedTokens, now);
    if (key.budgetUsd !== null)
      this.#budgets.settle(key.id, key.budgetPeriod, admission.reservedCost, cost, now);
    const deployment = outcome.deployment ?? 'none';
    const status = String(outcome.status);
    const m = this.metrics;
    m.requests.inc([outcome.model, deployment, status]);
    m.latency.observe([outcome.model, deployment, status], outcome.latencyMs / 1000);
    if (outcome.ttftMs !== null) m.ttft.observe([outcome.model, deployment], outcome.ttftMs / 1000);
    if (usage) {
      m.tokens.inc([outcome.model, deployment, 'prompt'], prompt);
      m.tokens.inc([outcome.model, deployment, 'completion'], completion);
      if (cached) m.tokens.inc([outcome.model, deployment, 'cached'], cached);
      if (reasoning) m.tokens.inc([outcome.model, deployment, 'reasoning'], reasoning);
    }
    if (cost) m.cost.inc([outcome.model], cost);
    return { cost };
  }

  close(): void {
    this.store.close();
  }
}
