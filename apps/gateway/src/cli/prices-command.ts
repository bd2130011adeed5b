import { parseArgs } from 'node:util';
import { loadConfig, type ResolvedConfig } from '../config/index.js';
import { CATALOGUE_PACKAGE, catalogueVersion, priceProvidersOf } from '../pricing/price-catalogue.js';
import { type PriceQuote, PriceTable } from '../pricing/pricing.js';
import { deploymentId } from '../routing/deployment.js';
import { configSource, type Io } from './admin-commands.js';
import { table, UsageError } from './cli-args.js';

/** An upstream model on a configured provider (`undefined`: priced by model id alone). */
interface Target {
  readonly provider: string | undefined;
  readonly model: string;
}

/** The price columns shown, by the catalogue's unit names (USD per 1M tokens). */
const UNITS = [
  ['INPUT', 'input_mtok'],
  ['CACHE READ', 'cache_read_mtok'],
  ['CACHE WRITE', 'cache_write_mtok'],
  ['OUTPUT', 'output_mtok'],
] as const;

/** The deployments a name reaches: a configured model's (by name or alias), a `provider/model`, or a bare model id. */
function targetsOf(config: ResolvedConfig, name: string): Target[] {
  const route = config.models.find((m) => m.name === name || m.aliases.includes(name));
  if (route) return route.deployments.map((d) => ({ provider: d.provider, model: d.model }));
  const slash = name.indexOf('/');
  const provider = slash > 0 ? config.providers.find((p) => p.name === name.slice(0, slash)) : undefined;
  if (provider) return [{ provider: provider.name, model: name.slice(slash + 1) }];
  return [{ provider: undefined, model: name }];
}

/** Every configured model's deployments, then each provider's declared models. */
function allTargets(config: ResolvedConfig): Target[] {
  const targets = new Map<string, Target>();
  const add = (provider: string, model: string) =>
    targets.set(deploymentId(provider, model), { provider, model });
  for (const route of config.models) for (const d of route.deployments) add(d.provider, d.model);
  for (const p of config.providers) for (const model of p.models ?? []) add(p.name, model);
  return [...targets.values()];
}

/** A catalogue price: `3`, or `3 (6 from 200000 tokens)` for a tiered one; `-` when absent. */
function perMillion(quote: PriceQuote | undefined, unit: string): string {
  const price = quote?.prices[unit];
  if (price === undefined) return '-';
  if (typeof price === 'number') return String(price);
  return `${price.base} (${price.tiers.map((t) => `${t.price} from ${t.start} tokens`).join(', ')})`;
}

function sourceOf(quote: PriceQuote | undefined, version: string): string {
  if (!quote) return 'none: costs 0 unless the upstream reports a cost';
  if (quote.source === 'config')
    return `config prices.${quote.provider === undefined ? '' : `${quote.provider}.`}${quote.model}`;
  return `catalogue ${quote.provider}:${quote.model} (${CATALOGUE_PACKAGE} ${version})`;
}

/**
 * `switchyard prices [model]`: which price applies to each deployment of a model (or of every
 * configured model) and where it comes from: the config's `prices:` or the bundled catalogue.
 */
export async function pricesCommand(argv: readonly string[], io: Io): Promise<number> {
  const { values, positionals } = parseArgs({
    args: [...argv],
    allowPositionals: true,
    options: {
      config: { type: 'string', short: 'c' },
      'data-dir': { type: 'string' },
      json: { type: 'boolean' },
    },
  });
  if (positionals.length > 1) throw new UsageError('prices: give at most one model');
  const config = loadConfig(
    configSource(io, values.config, values['data-dir'] ? { dataDir: values['data-dir'] } : {}),
  );
  const prices = new PriceTable({ prices: config.prices, providers: priceProvidersOf(config.providers) });
  const version = catalogueVersion();
  const name = positionals[0];
  const rows = (name === undefined ? allTargets(config) : targetsOf(config, name)).map((target) => ({
    target,
    quote: prices.priceOf(target.model, target.provider),
  }));
  if (values.json) {
    const report = rows.map(({ target, quote }) => ({
      provider: target.provider ?? null,
      model: target.model,
      source: quote?.source ?? null,
      listed_as: quote ? { provider: quote.provider ?? null, model: quote.model } : null,
      prices: quote?.prices ?? null,
    }));
    io.out(
      `${JSON.stringify({ catalogue: { package: CATALOGUE_PACKAGE, version }, prices: report }, null, 2)}\n`,
    );
    return 0;
  }
  io.out(
    `Prices in USD per 1M tokens, from the config's prices: or else the catalogue ${CATALOGUE_PACKAGE} ${version}\n` +
      '(bundled with the gateway, never fetched at run time). A cache price shown as - is the input price.\n\n',
  );
  io.out(
    `${table(
      ['DEPLOYMENT', ...UNITS.map(([title]) => title), 'SOURCE'],
      rows.map(({ target, quote }) => [
        target.provider === undefined ? target.model : deploymentId(target.provider, target.model),
        ...UNITS.map(([, unit]) => perMillion(quote, unit)),
        sourceOf(quote, version),
      ]),
    )}\n`,
  );
  return 0;
}
