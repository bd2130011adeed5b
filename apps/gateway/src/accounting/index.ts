import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { Accounting, type AccountingOptions } from './accounting.js';
import { openSqliteStore } from './sqlite-store.js';

export {
  Accounting,
  type AccountingOptions,
  type Admission,
  type AdmitRequest,
  type LimitsDefaults,
  type Outcome,
  type Principal,
} from './accounting.js';
export { handleAdmin, handleUsage, keyView } from './admin-api.js';
export { generateSecret, type KeySettings, SECRET_PATTERN } from './api-keys.js';
export { GatewayMetrics } from './gateway-metrics.js';
export { ACCOUNTING_OPENAPI_COMPONENTS, ACCOUNTING_OPENAPI_PATHS } from './openapi-paths.js';
export { DEFAULT_PRICES, type ModelPrice, PriceTable } from './pricing.js';
export { openSqliteStore } from './sqlite-store.js';
export type { BudgetPeriod, KeyRecord, LedgerFilter, LedgerRow, Store } from './store.js';

/** Opens (creating if needed) the SQLite database at `databasePath` and the accounting on top of it. */
export function createAccounting(
  options: Omit<AccountingOptions, 'store'> & { databasePath: string },
): Accounting {
  mkdirSync(dirname(options.databasePath), { recursive: true });
  const { databasePath, ...rest } = options;
  return new Accounting({ ...rest, store: openSqliteStore(databasePath) });
}
