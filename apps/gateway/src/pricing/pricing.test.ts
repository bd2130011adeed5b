import { calcPrice } from '@pydantic/genai-prices';
import { describe, expect, it } from 'vitest';
import { priceProvidersOf } from './price-catalogue.js';
import { type PricedUsage, PriceTable } from './pricing.js';

/** Configured providers as a config names them, one per catalogue provider under test. */
const PROVIDERS = priceProvidersOf([
  { name: 'openai', type: 'openai-compatible', preset: 'openai' },
  { name: 'claude', type: 'anthropic', preset: undefined },
  { name: 'gemini', type: 'gemini', preset: undefined },
  { name: 'deepseek', type: 'openai-compatible', preset: 'deepseek' },
  { name: 'token360', type: 'openai-compatible', preset: 'token360' },
  { name: 'local', type: 'openai-compatible', preset: 'vllm' },
  { name: 'simulator', type: 'simulator', preset: undefined },
]);

const fresh: PricedUsage = { prompt_tokens: 1_200, completion_tokens: 300 };
const cached: PricedUsage = {
  prompt_tokens: 5_000,
  completion_tokens: 200,
  prompt_tokens_details: { cached_tokens: 4_000 },
};
const cacheWrite: PricedUsage = {
  prompt_tokens: 3_000,
  completion_tokens: 100,
  prompt_tokens_details: { cached_tokens: 0, cache_write_tokens: 2_500 },
};
const longContext: PricedUsage = {
  prompt_tokens: 250_000,
  completion_tokens: 1_000,
  prompt_tokens_details: { cached_tokens: 50_000 },
};

/** The catalogue's own price of `usage`, with the token counts as the catalogue names them. */
function catalogue(usage: PricedUsage, model: string, providerId: string): number {
  const result = calcPrice(
    {
      input_tokens: usage.prompt_tokens,
      cache_read_tokens: usage.prompt_tokens_details?.cached_tokens ?? 0,
      cache_write_tokens: usage.prompt_tokens_details?.cache_write_tokens ?? 0,
      output_tokens: usage.completion_tokens,
    },
    model,
    { providerId },
  );
  if (!result) throw new Error(`the catalogue has no ${providerId}:${model}`);
  return result.total_price;
}

const decimals = (usd: number) => (String(usd).split('.')[1] ?? '').length;

describe('PriceTable: the @pydantic/genai-prices catalogue', () => {
  const table = new PriceTable({ providers: PROVIDERS });
  const cases = [
    ['openai', 'gpt-4o', 'openai'],
    ['openai', 'gpt-4.1-mini', 'openai'],
    ['claude', 'claude-sonnet-4-5', 'anthropic'],
    ['claude', 'claude-haiku-4-5-20251001', 'anthropic'],
    ['gemini', 'gemini-2.5-pro', 'google'],
    ['gemini', 'gemini-2.5-flash', 'google'],
    ['deepseek', 'deepseek-chat', 'deepseek'],
    ['token360', 'glm-5.1', 'zhipuai'],
  ] as const;
  const usages = { fresh, cached, cacheWrite, longContext };

  for (const [provider, model, providerId] of cases) {
    for (const [name, usage] of Object.entries(usages)) {
      it(`prices ${name} usage of ${provider}/${model} as the catalogue's calcPrice does`, () => {
        const expected = catalogue(usage, model, providerId);
        expect(expected).toBeGreaterThan(0);
        const cost = table.costOf(model, usage, provider);
        // Equal to the catalogue's price, rounded to whole nano-USD (no float noise).
        expect(cost).toBeCloseTo(expected, 9);
        expect(cost).toBe(Math.round(expected * 1e9) / 1e9);
        expect(decimals(cost)).toBeLessThanOrEqual(9);
        expect(table.priceOf(model, provider)).toMatchObject({ source: 'catalogue', provider: providerId });
      });
    }
  }

  it('bills cache writes at their own rate and long prompts at their tier', () => {
    // Anthropic: writing 2,500 tokens to the cache costs more than reading them fresh.
    const written = table.costOf('claude-sonnet-4-5', cacheWrite, 'claude');
    const plain = table.costOf(
      'claude-sonnet-4-5',
      { prompt_tokens: 3_000, completion_tokens: 100 },
      'claude',
    );
    expect(written).toBeGreaterThan(plain);
    // Gemini 2.5 Pro: past 200k prompt tokens every token costs the higher tier's price.
    const short = table.costOf('gemini-2.5-pro', { prompt_tokens: 200_000, completion_tokens: 0 }, 'gemini');
    const long = table.costOf('gemini-2.5-pro', { prompt_tokens: 200_001, completion_tokens: 0 }, 'gemini');
    expect(long).toBeGreaterThan(short * 1.9);
  });

  it('finds a model behind a provider/ prefix, and across the catalogue without a provider', () => {
    expect(table.costOf('openai/gpt-4o', fresh, 'openai')).toBe(table.costOf('gpt-4o', fresh, 'openai'));
    expect(table.costOf('gpt-4o', fresh)).toBe(table.costOf('gpt-4o', fresh, 'openai'));
  });
});

describe('PriceTable: the config prices', () => {
  it("wins over the catalogue: a provider's own price first, then the model's on every provider", () => {
    const table = new PriceTable({
      providers: PROVIDERS,
      prices: {
        'gpt-4o': { input: 1, output: 2 },
        openai: { 'gpt-4o': { input: 3, output: 4, cachedInput: 0.5 } },
        claude: { 'claude-sonnet-4-5': { input: 10, output: 20, cachedInput: 1, cacheWrite: 12.5 } },
      },
    });
    const million = { prompt_tokens: 1_000_000, completion_tokens: 1_000_000 };
    expect(table.costOf('gpt-4o', million, 'openai')).toBe(7);
    expect(table.costOf('gpt-4o', million, 'azure')).toBe(3);
    expect(table.costOf('gpt-4o', million)).toBe(3);
    expect(table.priceOf('gpt-4o', 'openai')).toMatchObject({ source: 'config', provider: 'openai' });
    // 500 fresh, 1,000 read from the cache, 2,500 written to it, 100 out.
    const usage = {
      prompt_tokens: 4_000,
      completion_tokens: 100,
      prompt_tokens_details: { cached_tokens: 1_000, cache_write_tokens: 2_500 },
    };
    expect(table.costOf('claude-sonnet-4-5', usage, 'claude')).toBe(
      (500 * 10 + 1_000 * 1 + 2_500 * 12.5 + 100 * 20) / 1e6,
    );
  });

  it('prices cache reads and writes at the input price when the config gives none for them', () => {
    const table = new PriceTable({ prices: { m: { input: 2, output: 0 } } });
    const usage = {
      prompt_tokens: 1_000,
      completion_tokens: 0,
      prompt_tokens_details: { cached_tokens: 400, cache_write_tokens: 300 },
    };
    expect(table.costOf('m', usage)).toBe(0.002);
  });
});

describe('PriceTable: unpriced models', () => {
  it('cost 0 and are reported once per provider and model', () => {
    const reported: [string, string | undefined][] = [];
    const table = new PriceTable({
      providers: PROVIDERS,
      onUnpriced: (model, provider) => reported.push([model, provider]),
    });
    for (let i = 0; i < 3; i++) {
      expect(table.costOf('no-such-model-anywhere', fresh, 'openai')).toBe(0);
      // A self-hosted preset has no list price, even for a model the catalogue knows.
      expect(table.costOf('gpt-4o', fresh, 'local')).toBe(0);
      expect(table.costOf('echo', fresh, 'simulator')).toBe(0);
    }
    expect(reported).toEqual([
      ['no-such-model-anywhere', 'openai'],
      ['gpt-4o', 'local'],
      ['echo', 'simulator'],
    ]);
    expect(table.maxCostOf('no-such-model-anywhere', 1_000, 1_000, 'openai')).toBe(0);
    expect(table.outputTokensWithin('no-such-model-anywhere', 1, 1_000, 'openai')).toBe(
      Number.POSITIVE_INFINITY,
    );
  });
});
