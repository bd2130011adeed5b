import {
  type ModelPrice as CataloguePrice,
  type Usage as CatalogueUsage,
  calcPrice,
  type Provider,
} from '@pydantic/genai-prices';
import type { Usage } from '@switchyard/protocol';
import { exactUsd } from './money.js';

/**
 * A price in the config's `prices:`, USD per one million tokens. `cachedInput` applies to the
 * prompt tokens read from the upstream's cache, `cacheWrite` to those written to it; either
 * defaults to `input`.
 */
export interface ModelPrice {
  readonly input: number;
  readonly output: number;
  readonly cachedInput?: number | undefined;
  readonly cacheWrite?: number | undefined;
}

/**
 * The config's `prices:`: a model's price for every provider (`<model>: {input, output, …}`), or
 * the prices of one configured provider's models (`<provider>: {<model>: {…}}`), which win.
 */
export type PriceOverrides = Readonly<Record<string, ModelPrice | Readonly<Record<string, ModelPrice>>>>;

export interface PriceTableOptions {
  readonly prices?: PriceOverrides;
  /**
   * Each configured provider's catalogue provider id ({@link catalogueProviderOf}): `null` for
   * none, absent to match the model id across the whole catalogue.
   */
  readonly providers?: Readonly<Record<string, string | null | undefined>>;
  /** Told once per provider and model that has no price: its requests cost 0. */
  readonly onUnpriced?: (model: string, provider: string | undefined) => void;
}

/** Which price applies to a model, and where it comes from. */
export interface PriceQuote {
  /** `config`: the config's `prices:`; `catalogue`: the bundled `@pydantic/genai-prices` data. */
  readonly source: 'config' | 'catalogue';
  /** The catalogue's provider id, or the configured provider a `prices:` entry names. */
  readonly provider: string | undefined;
  /** The model id the price is listed under. */
  readonly model: string;
  /**
   * Per unit, as the catalogue writes them: `input_mtok`, `output_mtok`, `cache_read_mtok`,
   * `cache_write_mtok` (USD per 1M tokens), each a number or `{base, tiers: [{start, price}]}`.
   */
  readonly prices: CataloguePrice;
}

interface Priced {
  readonly quote: PriceQuote;
  /** The model's provider with only that model: `calcPrice` prices it without a search. */
  readonly provider: Provider;
  /** The model id as `calcPrice` matches it in {@link Priced.provider}. */
  readonly modelId: string;
}

/** An upstream model on a configured provider (none: priced by the model id alone). */
export interface PricedModel {
  readonly model: string;
  readonly provider?: string | undefined;
}

/** Token counts to price; `prompt_tokens` includes the cached and the cache-written tokens. */
export type PricedUsage = Pick<Usage, 'prompt_tokens' | 'completion_tokens' | 'prompt_tokens_details'>;

const DATE_SUFFIX = /-\d{4}-\d{2}-\d{2}$|-\d{8}$/;

/** Models resolved and remembered; past it the memory starts over (passthrough takes any model id). */
const MAX_REMEMBERED = 10_000;

function isModelPrice(value: ModelPrice | Readonly<Record<string, ModelPrice>>): value is ModelPrice {
  return typeof value.input === 'number';
}

/** The model id as given, without a `provider/` prefix, and without a date suffix. */
function candidates(model: string): string[] {
  const bare = model.slice(model.lastIndexOf('/') + 1);
  return [...new Set([model, bare, bare.replace(DATE_SUFFIX, '')])];
}

function toCatalogue(price: ModelPrice): CataloguePrice {
  return {
    input_mtok: price.input,
    output_mtok: price.output,
    ...(price.cachedInput === undefined ? {} : { cache_read_mtok: price.cachedInput }),
    ...(price.cacheWrite === undefined ? {} : { cache_write_mtok: price.cacheWrite }),
  };
}

function toCatalogueUsage(usage: PricedUsage): CatalogueUsage {
  const input = usage.prompt_tokens;
  const read = Math.min(input, usage.prompt_tokens_details?.cached_tokens ?? 0);
  const write = Math.min(input - read, usage.prompt_tokens_details?.cache_write_tokens ?? 0);
  return {
    input_tokens: input,
    cache_read_tokens: read,
    cache_write_tokens: write,
    output_tokens: usage.completion_tokens,
  };
}

/**
 * Prices calls from the `@pydantic/genai-prices` catalogue bundled with the gateway (cache reads
 * and writes, long-context tiers, per provider), with the config's `prices:` overriding or
 * extending it. Never fetches anything: the data is the installed package's. Costs are whole
 * nano-USD ({@link exactUsd}).
 */
export class PriceTable {
  readonly #providerPrices = new Map<string, ReadonlyMap<string, ModelPrice>>();
  readonly #modelPrices = new Map<string, ModelPrice>();
  readonly #catalogueIds: Readonly<Record<string, string | null | undefined>>;
  readonly #onUnpriced: ((model: string, provider: string | undefined) => void) | undefined;
  readonly #resolved = new Map<string, Priced | null>();

  constructor(options: PriceTableOptions = {}) {
    for (const [name, value] of Object.entries(options.prices ?? {})) {
      if (isModelPrice(value)) this.#modelPrices.set(name, value);
      else this.#providerPrices.set(name, new Map(Object.entries(value)));
    }
    this.#catalogueIds = options.providers ?? {};
    this.#onUnpriced = options.onUnpriced;
  }

  /** The price that applies to `model` on the configured `provider`, if any. */
  priceOf(model: string, provider?: string): PriceQuote | undefined {
    return this.#resolve(model, provider)?.quote;
  }

  /** Cost in USD, in whole nano-USD; 0 for a model without a price (reported once). */
  costOf(model: string, usage: PricedUsage, provider?: string): number {
    const priced = this.#resolve(model, provider);
    if (!priced) return 0;
    const result = calcPrice(toCatalogueUsage(usage), priced.modelId, { provider: priced.provider });
    return result ? exactUsd(result.total_price) : 0;
  }

  /**
   * The most output tokens that fit in `usd` after a prompt of `promptTokens` (every token
   * uncached); `Infinity` for an unpriced model or free output, negative when the prompt alone does
   * not fit.
   */
  outputTokensWithin(model: string, usd: number, promptTokens: number, provider?: string): number {
    const prompt = this.maxCostOf(model, promptTokens, 0, provider);
    const perToken = (this.maxCostOf(model, promptTokens, 1_000_000, provider) - prompt) / 1_000_000;
    if (perToken <= 0) return Number.POSITIVE_INFINITY;
    return Math.floor((usd - prompt) / perToken + 1e-9);
  }

  /** The most a request can cost: every prompt token uncached and `maxOutputTokens` generated. */
  maxCostOf(model: string, promptTokens: number, maxOutputTokens: number, provider?: string): number {
    return this.costOf(model, { prompt_tokens: promptTokens, completion_tokens: maxOutputTokens }, provider);
  }

  #resolve(model: string, provider: string | undefined): Priced | null {
    const key = `${provider ?? ''}\u0000${model}`;
    let priced = this.#resolved.get(key);
    if (priced === undefined) {
      priced = this.#fromConfig(model, provider) ?? this.#fromCatalogue(model, provider);
      if (this.#resolved.size >= MAX_REMEMBERED) this.#resolved.clear();
      this.#resolved.set(key, priced);
      if (priced === null) this.#onUnpriced?.(model, provider);
    }
    return priced;
  }

  #fromConfig(model: string, provider: string | undefined): Priced | null {
    const ofProvider = provider === undefined ? undefined : this.#providerPrices.get(provider);
    for (const [prices, named] of [
      [ofProvider, provider],
      [this.#modelPrices, undefined],
    ] as const) {
      for (const id of candidates(model)) {
        const price = prices?.get(id);
        if (!price) continue;
        const info = { id, match: { equals: model }, prices: toCatalogue(price) };
        return {
          quote: { source: 'config', provider: named, model: id, prices: info.prices },
          provider: { id: named ?? 'config', name: 'config prices', api_pattern: '', models: [info] },
          modelId: model,
        };
      }
    }
    return null;
  }

  #fromCatalogue(model: string, provider: string | undefined): Priced | null {
    const providerId = provider === undefined ? undefined : this.#catalogueIds[provider];
    if (providerId === null) return null;
    for (const id of candidates(model)) {
      const found = calcPrice({}, id, providerId === undefined ? {} : { providerId });
      if (!found) continue;
      return {
        quote: {
          source: 'catalogue',
          provider: found.provider.id,
          model: found.model.id,
          prices: found.model_price,
        },
        // Only what pricing reads: calcPrice is slower the more of the provider it is given.
        provider: {
          id: found.provider.id,
          name: found.provider.name,
          api_pattern: found.provider.api_pattern,
          models: [found.model],
        },
        modelId: id,
      };
    }
    return null;
  }
}
