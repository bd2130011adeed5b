import { mkdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { Redis } from 'ioredis';
import { Accounting, type AccountingOptions } from './accounting.js';
import { openPostgresStore } from './postgres-store.js';
import { RedisLimits } from './redis-limits.js';
import { openSqliteStore } from './sqlite-store.js';

export {
  Accounting,
  type AccountingOptions,
} from './accounting.js';
export { handleAdmin, handleUsage, keyView } from './admin-api.js';
export { generateSecret, type KeySettings, SECRET_PATTERN } from './api-keys.js';
export { GatewayMetrics } from './gateway-metrics.js';
export { ACCOUNTING_OPENAPI_COMPONENTS, ACCOUNTING_OPENAPI_PATHS } from './openapi-paths.js';
export { openPostgresStore, type PostgresStoreOptions } from './postgres-store.js';
export { CATALOGUE_PACKAGE, catalogueVersion, priceProvidersOf } from './price-catalogue.js';
export { type ModelPrice, type PriceOverrides, type PriceQuote, PriceTable } from './pricing.js';
export { RedisLimits } from './redis-limits.js';
export type {
  Admission,
  AdmitRequest,
  LimitsDefaults,
  Outcome,
  Principal,
  SettledCost,
} from './request-records.js';
export { openSqliteStore } from './sqlite-store.js';
export type { BudgetPeriod, CostSource, KeyRecord, LedgerFilter, LedgerRow, Store } from './store.js';

/** Opens (creating if needed) the SQLite database at `databasePath` and the accounting on top of it. */
export function createAccounting(
  options: Omit<AccountingOptions, 'store'> & { databasePath: string },
): Accounting {
  mkdirSync(dirname(options.databasePath), { recursive: true });
  const { databasePath, ...rest } = options;
  return new Accounting({ ...rest, store: openSqliteStore(databasePath) });
}

/**
 * The Redis connection of shared limits and budgets. Connection errors are reported once per
 * outage (ioredis retries on its own; without a listener it prints every failure to stderr).
 */
function sharedRedis(url: string, onError: ((error: unknown) => void) | undefined): Redis {
  const client = new Redis(url, { maxRetriesPerRequest: 1, commandTimeout: 2_000, connectTimeout: 2_000 });
  let down = false;
  client.on('error', (error: unknown) => {
    if (down) return;
    down = true;
    onError?.(error);
  });
  client.on('ready', () => {
    down = false;
  });
  return client;
}

/** The spool of ledger rows not yet shipped to PostgreSQL, beside the SQLite file in the data dir. */
export const LEDGER_SPOOL_FILE = 'ledger-spool.db';

/**
 * `createAccounting`, or with `storageUrl` keys and the ledger in PostgreSQL (the ledger spooled in
 * `LEDGER_SPOOL_FILE` next to `databasePath`), and with `redisUrl` limits and budgets shared
 * through Redis. Resolves once the admin key is committed.
 */
export async function openAccounting(
  options: Omit<AccountingOptions, 'store' | 'shared' | 'onSharedError'> & {
    databasePath: string;
    storageUrl?: string | undefined;
    redisUrl?: string | undefined;
    onError?: (error: unknown) => void;
  },
): Promise<Accounting> {
  const { databasePath, storageUrl, redisUrl, onError, ...rest } = options;
  mkdirSync(dirname(databasePath), { recursive: true });
  const store = storageUrl
    ? await openPostgresStore({
        url: storageUrl,
        spoolPath: join(dirname(databasePath), LEDGER_SPOOL_FILE),
        ...(onError ? { onError } : {}),
      })
    : openSqliteStore(databasePath);
  // Fail fast (admission answers 503) rather than queue requests while Redis is away.
  const shared = redisUrl ? new RedisLimits(sharedRedis(redisUrl, onError)) : undefined;
  const accounting = new Accounting({
    ...rest,
    store,
    ...(shared ? { shared } : {}),
    ...(onError ? { onSharedError: onError } : {}),
  });
  try {
    await store.flush();
  } catch (error) {
    accounting.close();
    throw error;
  }
  return accounting;
}
