import { mkdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { Redis } from 'ioredis';
import { openPostgresStore } from '../ledger/postgres-store.js';
import { openSqliteStore } from '../ledger/sqlite-store.js';
import { RedisLimits } from '../limits/redis-limits.js';
import type { SharedLimits } from '../limits/shared-limits.js';
import { Accounting, type AccountingOptions } from './accounting.js';

export { Accounting, type AccountingOptions } from './accounting.js';
export type {
  Admission,
  AdmitRequest,
  LimitsDefaults,
  Outcome,
  Principal,
  SettledCost,
} from './request-records.js';

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
 * through Redis (or, without it, through `shared`: a cluster worker's primary). Resolves once the
 * admin key is committed.
 */
export async function openAccounting(
  options: Omit<AccountingOptions, 'store' | 'shared' | 'onSharedError'> & {
    databasePath: string;
    storageUrl?: string | undefined;
    redisUrl?: string | undefined;
    shared?: SharedLimits | undefined;
    onError?: (error: unknown) => void;
  },
): Promise<Accounting> {
  const { databasePath, storageUrl, redisUrl, shared: primary, onError, ...rest } = options;
  mkdirSync(dirname(databasePath), { recursive: true });
  const store = storageUrl
    ? await openPostgresStore({
        url: storageUrl,
        spoolPath: join(dirname(databasePath), LEDGER_SPOOL_FILE),
        ...(onError ? { onError } : {}),
      })
    : openSqliteStore(databasePath);
  // Fail fast (admission answers 503) rather than queue requests while Redis is away.
  const shared = redisUrl ? new RedisLimits(sharedRedis(redisUrl, onError)) : primary;
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
