import type { Usage } from '@switchyard/protocol';
import type { PricedModel } from './pricing.js';
import type { BudgetPeriod, CostSource, KeyRecord } from './store.js';

// What the gateway and Accounting hand each other per request: who calls, what admission reserved,
// and how the request ended.

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
  /** The prompt estimate admission counted (the ledger's estimate when no usage ever came). */
  readonly estimatedPromptTokens: number;
  /** `x-ratelimit-*` headers to send with the response. */
  readonly headers: Readonly<Record<string, string>>;
}

export interface AdmitRequest {
  /** The public model name the client asked for (what key scopes refer to). */
  model: string;
  /** Every public name of the requested model (its configured name, aliases); `[model]` by default. */
  modelNames?: readonly string[];
  requestId: string;
  estimatedPromptTokens: number;
  /** The request's output cap per choice; absent, `defaultMaxTokens` is assumed. */
  maxOutputTokens?: number | null;
  /**
   * Choices asked for (`n`, default 1): the output worst case counts `n` times, the prompt once
   * (as upstreams bill it).
   */
  n?: number | null;
  /** Upstream models that may serve the request; the dearest prices the budget reservation. */
  upstreamModels?: readonly PricedModel[];
  stream?: boolean;
}

export interface Outcome {
  requestId?: string;
  /** The model name the client asked for (the ledger's `model`). */
  model: string;
  /** The model billed upstream, when it differs (pricing uses it). */
  upstreamModel?: string | null;
  /** The configured provider that answered (pricing uses its prices). */
  upstreamProvider?: string | null;
  deployment: string | null;
  status: number;
  errorCode: string | null;
  usage: Usage | null | undefined;
  latencyMs: number;
  ttftMs?: number | null;
  streamed?: boolean;
  /** Answered from the response cache: costs nothing and uses no tokens of the key's tpm. */
  cached?: boolean;
  /** `usage` is the gateway's estimate: the upstream's own usage never arrived. */
  usageEstimated?: boolean;
  /** The route the request came in on (its front door); `chat.completions` when not given. */
  route?: string;
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
