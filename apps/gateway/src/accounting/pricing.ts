import type { Usage } from '@switchyard/protocol';

/** USD per one million tokens. `cachedInput` applies to the cached part of the prompt. */
export interface ModelPrice {
  readonly input: number;
  readonly output: number;
  readonly cachedInput?: number;
}

/**
 * List prices of well-known models, USD per 1M tokens, from the providers' public price pages as of
 * 2026-11. Operators override or extend them in the config (`prices:`); unknown models cost 0 and
 * are logged once so that an unpriced model is noticed.
 */
export const DEFAULT_PRICES: Readonly<Record<string, ModelPrice>> = {
  'gpt-4o': { input: 2.5, output: 10, cachedInput: 1.25 },
  'gpt-4o-mini': { input: 0.15, output: 0.6, cachedInput: 0.075 },
  'gpt-4.1': { input: 2, output: 8, cachedInput: 0.5 },
  'gpt-4.1-mini': { input: 0.4, output: 1.6, cachedInput: 0.1 },
  'gpt-4.1-nano': { input: 0.1, output: 0.4, cachedInput: 0.025 },
  'gpt-5': { input: 1.25, output: 10, cachedInput: 0.125 },
  'gpt-5-mini': { input: 0.25, output: 2, cachedInput: 0.025 },
  o3: { input: 2, output: 8, cachedInput: 0.5 },
  'o4-mini': { input: 1.1, output: 4.4, cachedInput: 0.275 },
  'claude-opus-4-5': { input: 5, output: 25, cachedInput: 0.5 },
  'claude-sonnet-4-5': { input: 3, output: 15, cachedInput: 0.3 },
  'claude-haiku-4-5': { input: 1, output: 5, cachedInput: 0.1 },
  'gemini-2.5-pro': { input: 1.25, output: 10, cachedInput: 0.31 },
  'gemini-2.5-flash': { input: 0.3, output: 2.5, cachedInput: 0.075 },
  'deepseek-chat': { input: 0.28, output: 0.42, cachedInput: 0.028 },
  'deepseek-reasoner': { input: 0.28, output: 0.42, cachedInput: 0.028 },
  'glm-5.1': { input: 1, output: 3.2, cachedInput: 0.2 },
  'glm-4.6': { input: 0.6, output: 2.2, cachedInput: 0.11 },
};

/** Looks up prices by exact model id, then by the id without a `provider/` prefix or date suffix. */
export class PriceTable {
  readonly #prices: Map<string, ModelPrice>;

  constructor(overrides: Readonly<Record<string, ModelPrice>> = {}) {
    this.#prices = new Map(Object.entries({ ...DEFAULT_PRICES, ...overrides }));
  }

  priceOf(model: string): ModelPrice | undefined {
    const exact = this.#prices.get(model);
    if (exact) return exact;
    const bare = model.slice(model.lastIndexOf('/') + 1);
    return this.#prices.get(bare) ?? this.#prices.get(bare.replace(/-\d{4}-\d{2}-\d{2}$|-\d{8}$/, ''));
  }

  /** Cost in USD; cached tokens are part of `prompt_tokens` (OpenAI convention). */
  costOf(
    model: string,
    usage: Pick<Usage, 'prompt_tokens' | 'completion_tokens' | 'prompt_tokens_details'>,
  ): number {
    const price = this.priceOf(model);
    if (!price) return 0;
    const cached = usage.prompt_tokens_details?.cached_tokens ?? 0;
    const fresh = Math.max(0, usage.prompt_tokens - cached);
    const micro =
      fresh * price.input +
      cached * (price.cachedInput ?? price.input) +
      usage.completion_tokens * price.output;
    return micro / 1_000_000;
  }

  /**
   * The most output tokens that fit in `usd` after a prompt of `promptTokens` (every token
   * uncached); `Infinity` for an unpriced model or free output, negative when the prompt alone does
   * not fit.
   */
  outputTokensWithin(model: string, usd: number, promptTokens: number): number {
    const price = this.priceOf(model);
    if (!price || price.output === 0) return Number.POSITIVE_INFINITY;
    return Math.floor((usd * 1_000_000 - promptTokens * price.input) / price.output + 1e-9);
  }

  /** The most a request can cost: every prompt token uncached and `maxOutputTokens` generated. */
  maxCostOf(model: string, promptTokens: number, maxOutputTokens: number): number {
    const price = this.priceOf(model);
    if (!price) return 0;
    return (promptTokens * price.input + maxOutputTokens * price.output) / 1_000_000;
  }
}
