import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { type Accounting, openAccounting as openSharedAccounting } from '../accounting/index.js';
import { keyView } from '../admin/admin-api.js';
import { type ConfigOverrides, DATABASE_FILE, loadConfig } from '../config/index.js';
import {
  parseChoice,
  parseExpiry,
  parseMetadata,
  parsePositive,
  parseSince,
  table,
  UsageError,
} from './cli-args.js';

/** Where a command writes, and the environment it reads (the process's, unless a test passes its own). */
export interface Io {
  out(text: string): void;
  err(text: string): void;
  readonly env?: Readonly<Record<string, string | undefined>>;
  readonly cwd?: string;
}

/** `loadConfig` options for a command: its `--config`, flags and the Io's environment. */
export function configSource(io: Io, path: string | undefined, overrides: ConfigOverrides = {}) {
  return {
    ...(path ? { path } : {}),
    ...(io.env ? { env: io.env } : {}),
    ...(io.cwd ? { cwd: io.cwd } : {}),
    overrides,
  };
}

const COMMON = {
  config: { type: 'string', short: 'c' },
  'data-dir': { type: 'string' },
  json: { type: 'boolean' },
} as const;

async function openAccounting(
  values: { config?: string | undefined; 'data-dir'?: string | undefined },
  io: Io,
): Promise<Accounting> {
  const overrides: ConfigOverrides = values['data-dir'] ? { dataDir: values['data-dir'] } : {};
  const config = loadConfig(configSource(io, values.config, overrides));
  // The same storage as the gateway: with storage.url, keys written here reach every instance.
  const accounting = await openSharedAccounting({
    databasePath: join(config.server.dataDir, DATABASE_FILE),
    storageUrl: config.storage.url,
    ...(config.adminKey ? { adminKey: config.adminKey } : {}),
  });
  const created = accounting.bootstrap.adminKeyCreated;
  if (created) io.err(`Created the admin key (shown once, store it now): ${created}\n`);
  return accounting;
}

function when(epoch: number | null): string {
  return epoch === null ? '-' : new Date(epoch).toISOString().replace('.000Z', 'Z');
}

/**
 * `--models a,b`: the names a key may use. Empty (`--models ""`, often an unset shell variable)
 * is refused rather than read as "every model" (or as "none", a key that can do nothing).
 */
function parseModels(value: string | undefined): string[] | undefined {
  if (value === undefined) return undefined;
  const models = value
    .split(',')
    .map((m) => m.trim())
    .filter(Boolean);
  if (models.length === 0)
    throw new UsageError(
      'keys create: --models is empty; list the models the key may use (--models smart,fast), or leave --models out for a key that may use every model',
    );
  return models;
}

/** `switchyard keys create|list|revoke`. */
export async function keysCommand(argv: readonly string[], io: Io): Promise<number> {
  const [action, ...rest] = argv;
  if (action === 'create') {
    const { values } = parseArgs({
      args: [...rest],
      options: {
        ...COMMON,
        name: { type: 'string', short: 'n' },
        models: { type: 'string' },
        rpm: { type: 'string' },
        tpm: { type: 'string' },
        budget: { type: 'string' },
        period: { type: 'string' },
        expires: { type: 'string' },
        admin: { type: 'boolean' },
        meta: { type: 'string', multiple: true },
      },
    });
    if (!values.name) throw new UsageError('keys create: --name is required');
    const models = parseModels(values.models);
    const metadata = parseMetadata(values.meta);
    const rpm = parsePositive(values.rpm, '--rpm');
    const tpm = parsePositive(values.tpm, '--tpm');
    const budgetUsd = parsePositive(values.budget, '--budget', false);
    const budgetPeriod = parseChoice(values.period, '--period', ['day', 'week', 'month', 'total'] as const);
    const expiresAt = values.expires ? parseExpiry(values.expires, '--expires') : undefined;
    const accounting = await openAccounting(values, io);
    try {
      const { record, secret } = accounting.createKey({
        name: values.name,
        ...(values.admin ? { isAdmin: true } : {}),
        ...(models ? { allowedModels: models } : {}),
        ...(rpm === undefined ? {} : { rpm }),
        ...(tpm === undefined ? {} : { tpm }),
        ...(budgetUsd === undefined ? {} : { budgetUsd }),
        ...(budgetPeriod === undefined ? {} : { budgetPeriod }),
        ...(expiresAt === undefined ? {} : { expiresAt }),
        ...(metadata ? { metadata } : {}),
      });
      await accounting.store.flush();
      if (values.json) io.out(`${JSON.stringify({ ...keyView(record), secret }, null, 2)}\n`);
      else io.out(`Created key ${record.id} (${record.name}). The key, shown once:\n\n  ${secret}\n\n`);
    } finally {
      accounting.close();
    }
    return 0;
  }
  if (action === 'list') {
    const { values } = parseArgs({ args: [...rest], options: { ...COMMON, all: { type: 'boolean' } } });
    const accounting = await openAccounting(values, io);
    try {
      const keys = accounting.listKeys().filter((k) => values.all || k.revokedAt === null);
      if (values.json) {
        io.out(`${JSON.stringify(keys.map(keyView), null, 2)}\n`);
        return 0;
      }
      io.out(
        `${table(
          ['ID', 'NAME', 'PREFIX', 'ADMIN', 'MODELS', 'RPM', 'TPM', 'BUDGET', 'EXPIRES', 'REVOKED'],
          keys.map((k) => [
            k.id,
            k.name,
            k.prefix,
            k.isAdmin ? 'yes' : '',
            k.allowedModels ? k.allowedModels.join(',') : '*',
            k.rpm === null ? '-' : String(k.rpm),
            k.tpm === null ? '-' : String(k.tpm),
            k.budgetUsd === null ? '-' : `$${k.budgetUsd}/${k.budgetPeriod}`,
            when(k.expiresAt),
            when(k.revokedAt),
          ]),
        )}\n`,
      );
    } finally {
      accounting.close();
    }
    return 0;
  }
  if (action === 'revoke') {
    const { values, positionals } = parseArgs({ args: [...rest], options: COMMON, allowPositionals: true });
    const id = positionals[0];
    if (!id) throw new UsageError('keys revoke: give the key id (see `switchyard keys list`)');
    const accounting = await openAccounting(values, io);
    try {
      const revoked = accounting.revokeKey(id);
      await accounting.store.flush();
      if (values.json) io.out(`${JSON.stringify(keyView(revoked), null, 2)}\n`);
      else io.out(`Revoked key ${revoked.id} (${revoked.name}).\n`);
    } finally {
      accounting.close();
    }
    return 0;
  }
  throw new UsageError(`keys: unknown action "${action ?? ''}"; use create, list or revoke`);
}

/** `switchyard usage`: totals and groups from the ledger. */
export async function usageCommand(argv: readonly string[], io: Io): Promise<number> {
  const { values } = parseArgs({
    args: [...argv],
    options: {
      ...COMMON,
      key: { type: 'string' },
      model: { type: 'string' },
      since: { type: 'string' },
      until: { type: 'string' },
      'group-by': { type: 'string' },
    },
  });
  const groupBy = parseChoice(values['group-by'], '--group-by', [
    'model',
    'key',
    'deployment',
    'status',
  ] as const);
  const since = parseSince(values.since ?? '30d', '--since');
  const until = values.until ? parseSince(values.until, '--until') : undefined;
  const accounting = await openAccounting(values, io);
  try {
    const report = await accounting.usageSummary({
      since,
      ...(until === undefined ? {} : { until }),
      ...(values.key ? { keyId: values.key } : {}),
      ...(values.model ? { model: values.model } : {}),
      ...(groupBy ? { groupBy } : {}),
    });
    if (values.json) {
      io.out(`${JSON.stringify(report, null, 2)}\n`);
      return 0;
    }
    // Whole nano-USD: the ledger's sums are exact to 9 decimals.
    const money = (usd: number) => `$${usd.toFixed(9)}`;
    const row = (name: string, t: typeof report.totals) => [
      name,
      String(t.requests),
      String(t.errors),
      String(t.prompt_tokens),
      String(t.completion_tokens),
      money(t.cost),
    ];
    io.out(`Usage since ${new Date(since).toISOString()}\n\n`);
    io.out(
      `${table(
        [report.group_by.toUpperCase(), 'REQUESTS', 'ERRORS', 'PROMPT', 'COMPLETION', 'COST'],
        [...report.groups.map((g) => row(g.key, g)), row('TOTAL', report.totals)],
      )}\n`,
    );
  } finally {
    accounting.close();
  }
  return 0;
}
