import pg from 'pg';
import { addUsd, SUM_COST_NANOS, usdOf } from '../pricing/money.js';
import { periodStart } from './budget-period.js';
import { migratePostgres } from './postgres-migrations.js';
import { openLedgerSpool } from './sqlite-store.js';
import type { BudgetPeriod, CostSource, KeyRecord, LedgerFilter, LedgerRow, Store } from './store.js';

const MIGRATIONS: readonly string[] = [
  `CREATE TABLE api_keys (
     id TEXT PRIMARY KEY,
     name TEXT NOT NULL,
     hash BYTEA NOT NULL UNIQUE,
     prefix TEXT NOT NULL,
     is_admin BOOLEAN NOT NULL DEFAULT FALSE,
     allowed_models JSONB,
     rpm INTEGER,
     tpm INTEGER,
     budget_usd DOUBLE PRECISION,
     budget_period TEXT NOT NULL DEFAULT 'month',
     expires_at BIGINT,
     metadata JSONB NOT NULL DEFAULT '{}',
     created_at BIGINT NOT NULL,
     revoked_at BIGINT
   );
   CREATE TABLE ledger (
     id TEXT PRIMARY KEY,
     ts BIGINT NOT NULL,
     request_id TEXT NOT NULL,
     key_id TEXT,
     model TEXT NOT NULL,
     deployment TEXT,
     prompt_tokens INTEGER NOT NULL,
     completion_tokens INTEGER NOT NULL,
     cached_tokens INTEGER NOT NULL,
     reasoning_tokens INTEGER NOT NULL,
     cost DOUBLE PRECISION NOT NULL,
     latency_ms DOUBLE PRECISION NOT NULL,
     ttft_ms DOUBLE PRECISION,
     status INTEGER NOT NULL,
     error_code TEXT,
     stream BOOLEAN NOT NULL
   );
   CREATE INDEX ledger_ts ON ledger (ts);
   CREATE INDEX ledger_key_ts ON ledger (key_id, ts);
   CREATE INDEX ledger_request_id ON ledger (request_id);`,
  'ALTER TABLE ledger ADD COLUMN cached BOOLEAN NOT NULL DEFAULT FALSE;',
  // Estimated usage of a cut stream (issue 22): its own step, so other columns migrate apart.
  'ALTER TABLE ledger ADD COLUMN usage_estimated BOOLEAN NOT NULL DEFAULT FALSE;',
  // Rows written before it were all priced from the price table.
  "ALTER TABLE ledger ADD COLUMN cost_source TEXT NOT NULL DEFAULT 'price_table';",
  // Prompt tokens written to the upstream's cache (issue 20); earlier rows did not record them.
  'ALTER TABLE ledger ADD COLUMN cache_write_tokens INTEGER NOT NULL DEFAULT 0;',
  // The front door (issue 16); rows written before it all came through chat completions.
  "ALTER TABLE ledger ADD COLUMN route TEXT NOT NULL DEFAULT 'chat.completions';",
];

/** Any constant: the advisory lock that serialises migrations across instances starting together. */
const MIGRATION_LOCK = 0x5377_7961;
const KEYS_CHANNEL = 'switchyard_keys';
const KEY_COLUMNS =
  'id, name, hash, prefix, is_admin, allowed_models, rpm, tpm, budget_usd, budget_period, expires_at, metadata, created_at, revoked_at';
const LEDGER_COLUMNS =
  'id, ts, request_id, key_id, model, deployment, prompt_tokens, completion_tokens, cached_tokens, cache_write_tokens, reasoning_tokens, cost, cost_source, latency_ms, ttft_ms, status, error_code, stream, cached, usage_estimated, route';
const LEDGER_COLUMN_COUNT = LEDGER_COLUMNS.split(',').length;
const PERIODS: readonly BudgetPeriod[] = ['day', 'week', 'month', 'total'];

const num = (v: unknown): number => Number(v);
const numOrNull = (v: unknown): number | null => (v === null ? null : Number(v));

function toKey(row: Record<string, unknown>): KeyRecord {
  return {
    id: row.id as string,
    name: row.name as string,
    hash: row.hash as Buffer,
    prefix: row.prefix as string,
    isAdmin: row.is_admin as boolean,
    allowedModels: row.allowed_models as string[] | null,
    rpm: row.rpm as number | null,
    tpm: row.tpm as number | null,
    budgetUsd: row.budget_usd as number | null,
    budgetPeriod: row.budget_period as BudgetPeriod,
    expiresAt: numOrNull(row.expires_at),
    metadata: row.metadata as Record<string, string>,
    createdAt: num(row.created_at),
    revokedAt: numOrNull(row.revoked_at),
  };
}

function keyParams(k: KeyRecord): unknown[] {
  return [
    k.id,
    k.name,
    k.hash,
    k.prefix,
    k.isAdmin,
    k.allowedModels === null ? null : JSON.stringify(k.allowedModels),
    k.rpm,
    k.tpm,
    k.budgetUsd,
    k.budgetPeriod,
    k.expiresAt,
    JSON.stringify(k.metadata),
    k.createdAt,
    k.revokedAt,
  ];
}

function toLedger(row: Record<string, unknown>): LedgerRow {
  return {
    id: row.id as string,
    ts: num(row.ts),
    requestId: row.request_id as string,
    keyId: row.key_id as string | null,
    model: row.model as string,
    deployment: row.deployment as string | null,
    promptTokens: row.prompt_tokens as number,
    completionTokens: row.completion_tokens as number,
    cachedTokens: row.cached_tokens as number,
    cacheWriteTokens: row.cache_write_tokens as number,
    reasoningTokens: row.reasoning_tokens as number,
    cost: row.cost as number,
    costSource: row.cost_source as CostSource,
    latencyMs: row.latency_ms as number,
    ttftMs: row.ttft_ms as number | null,
    status: row.status as number,
    errorCode: row.error_code as string | null,
    stream: row.stream as boolean,
    cached: row.cached as boolean,
    usageEstimated: row.usage_estimated as boolean,
    route: row.route as string,
  };
}

function ledgerParams(r: LedgerRow): unknown[] {
  return [
    r.id,
    r.ts,
    r.requestId,
    r.keyId,
    r.model,
    r.deployment,
    r.promptTokens,
    r.completionTokens,
    r.cachedTokens,
    r.cacheWriteTokens,
    r.reasoningTokens,
    r.cost,
    r.costSource,
    r.latencyMs,
    r.ttftMs,
    r.status,
    r.errorCode,
    r.stream,
    r.cached,
    r.usageEstimated,
    r.route,
  ];
}

/** `promise`, or a rejection naming `what` once `ms` passed (the work itself is not cancelled). */
function withTimeout<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const expired = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what} took longer than ${ms} ms`)), ms);
  });
  return Promise.race([promise, expired]).finally(() => clearTimeout(timer));
}

export interface PostgresStoreOptions {
  /** `postgres://user:password@host:port/database`. */
  url: string;
  /** The local SQLite spool file for ledger rows not shipped yet (one per instance). */
  spoolPath: string;
  /** How often waiting ledger rows are shipped. */
  shipIntervalMs?: number;
  /** Rows per shipped batch (a full batch ships at once, without waiting for the interval). */
  batchSize?: number;
  /** Full reload of keys and spend, on top of change notifications. */
  refreshMs?: number;
  /** How long `lookupKey` waits for PostgreSQL before it fails (a request waits on it). */
  lookupTimeoutMs?: number;
  /** Called when shipping or a refresh fails (the rows stay spooled and are retried). */
  onError?: (error: unknown) => void;
}

/**
 * The shared store for several gateway instances. Keys live in PostgreSQL and in memory here;
 * every key write sends a NOTIFY, and every instance LISTENs and reloads, so a revocation reaches
 * all instances within milliseconds (at worst `refreshMs` if the notification is lost). Ledger rows
 * are committed to a local SQLite spool before `appendLedger`'s promise resolves and shipped to PostgreSQL in
 * batches (`INSERT … ON CONFLICT (id) DO NOTHING`, so a batch shipped twice is harmless); a row
 * leaves the spool only after PostgreSQL committed it, and a restart ships what was left.
 */
export async function openPostgresStore(options: PostgresStoreOptions): Promise<Store> {
  const shipIntervalMs = options.shipIntervalMs ?? 100;
  const batchSize = options.batchSize ?? 500;
  const refreshMs = options.refreshMs ?? 5_000;
  const lookupTimeoutMs = options.lookupTimeoutMs ?? 2_000;
  const onError = options.onError ?? (() => {});
  const pool = new pg.Pool({ connectionString: options.url, max: 4 });
  pool.on('error', onError);
  await migratePostgres(pool, { table: 'schema_migrations', lock: MIGRATION_LOCK, steps: MIGRATIONS });

  const byId = new Map<string, KeyRecord>();
  const byHash = new Map<string, KeyRecord>();
  let version = 0;
  /** Settled spend per key and budget period start, as of the last refresh (plus what shipped since). */
  let spend = new Map<string, number>();
  let spendStarts = new Map<BudgetPeriod, number>();

  const loadKeys = async () => {
    const { rows } = await pool.query(`SELECT ${KEY_COLUMNS} FROM api_keys ORDER BY created_at`);
    byId.clear();
    byHash.clear();
    for (const row of rows) {
      const key = toKey(row);
      byId.set(key.id, key);
      byHash.set(key.hash.toString('hex'), key);
    }
    version += 1;
  };
  const loadSpend = async () => {
    const now = Date.now();
    const starts = new Map(PERIODS.map((p) => [p, periodStart(p, now)] as const));
    const { rows } = await pool.query(
      `SELECT key_id, ${PERIODS.map((_, i) => `${SUM_COST_NANOS} FILTER (WHERE ts >= $${i + 1}) AS s${i}`).join(', ')}
       FROM ledger WHERE key_id IS NOT NULL GROUP BY key_id`,
      PERIODS.map((p) => starts.get(p)),
    );
    const next = new Map<string, number>();
    for (const row of rows) {
      for (const [i, p] of PERIODS.entries())
        next.set(`${row.key_id}@${starts.get(p)}`, usdOf(Number(row[`s${i}`] ?? 0)));
    }
    spend = next;
    spendStarts = starts;
  };

  // One chain for every write and reload, so a reload never overtakes a write this process made.
  let work: Promise<unknown> = Promise.resolve();
  let firstError: unknown;
  const spool = openLedgerSpool(options.spoolPath);
  /** Rows in the spool, counted here so that appending stays O(1) however long PostgreSQL is away. */
  let waiting = spool.size();
  const listener = new pg.Client({ connectionString: options.url });
  listener.on('error', onError);
  listener.on('notification', () => {
    // Announced: a cache miss stops trusting what it learnt before (see `externalChanges`).
    version += 1;
    work = work.then(loadKeys).catch(onError);
  });
  await listener.connect();
  await listener.query(`LISTEN ${KEYS_CHANNEL}`);
  await loadKeys();
  await loadSpend();

  const enqueue = (task: () => Promise<unknown>) => {
    work = work.then(task).catch((error: unknown) => {
      firstError ??= error;
      onError(error);
    });
  };
  const notifyKeys = () => pool.query(`SELECT pg_notify('${KEYS_CHANNEL}', '')`);

  const ship = async () => {
    for (;;) {
      const batch = spool.peek(batchSize);
      if (batch.length === 0) return;
      const values = batch
        .map((_, r) => `(${LEDGER_COLUMNS.split(',').map((__, c) => `$${r * LEDGER_COLUMN_COUNT + c + 1}`)})`)
        .join(', ');
      const inserted = await pool.query<{ key_id: string | null; ts: string; cost: number }>(
        `INSERT INTO ledger (${LEDGER_COLUMNS}) VALUES ${values} ON CONFLICT (id) DO NOTHING RETURNING key_id, ts, cost`,
        batch.flatMap(ledgerParams),
      );
      // Committed: the shared sums now count the rows this batch added (not those an earlier,
      // interrupted run already shipped), and the spool may forget the whole batch.
      for (const r of inserted.rows) {
        if (r.key_id === null) continue;
        for (const start of spendStarts.values()) {
          if (Number(r.ts) < start) continue;
          const k = `${r.key_id}@${start}`;
          spend.set(k, addUsd(spend.get(k) ?? 0, r.cost));
        }
      }
      spool.remove(batch.map((r) => r.id));
      waiting = Math.max(0, waiting - batch.length);
      if (batch.length < batchSize) return;
    }
  };
  let shipping = false;
  const shipSoon = () => {
    if (shipping) return;
    shipping = true;
    work = work
      .then(ship)
      .catch(onError)
      .finally(() => {
        shipping = false;
      });
  };
  await ship();
  const shipTimer = setInterval(shipSoon, shipIntervalMs);
  const refreshTimer = setInterval(() => {
    work = work
      .then(async () => {
        await loadKeys();
        await loadSpend();
      })
      .catch(onError);
  }, refreshMs);
  shipTimer.unref();
  refreshTimer.unref();

  let closed = false;
  return {
    insertKey(record) {
      if (byHash.has(record.hash.toString('hex'))) throw new Error('An API key with this secret exists.');
      byId.set(record.id, record);
      byHash.set(record.hash.toString('hex'), record);
      // Instances starting together with the same SWITCHYARD_ADMIN_KEY each insert it: one wins.
      enqueue(async () => {
        await pool.query(
          `INSERT INTO api_keys (${KEY_COLUMNS}) VALUES (${KEY_COLUMNS.split(',').map((_, i) => `$${i + 1}`)})
           ON CONFLICT (hash) DO NOTHING`,
          keyParams(record),
        );
        await notifyKeys();
      });
    },
    updateKey(id, patch) {
      const current = byId.get(id);
      if (!current) return undefined;
      const next = { ...current, ...patch, id };
      byId.set(id, next);
      byHash.set(next.hash.toString('hex'), next);
      enqueue(async () => {
        await pool.query(
          `UPDATE api_keys SET name=$2, prefix=$4, is_admin=$5, allowed_models=$6, rpm=$7, tpm=$8, budget_usd=$9,
             budget_period=$10, expires_at=$11, metadata=$12, revoked_at=$14 WHERE id=$1 AND hash=$3 AND created_at=$13`,
          keyParams(next),
        );
        await notifyKeys();
      });
      return next;
    },
    getKey: (id) => byId.get(id),
    findKeyByHash: (hash) => byHash.get(hash.toString('hex')),
    async lookupKey(hash) {
      // Not on the write chain: a lookup never waits behind ledger shipping.
      const { rows } = await withTimeout(
        pool.query(`SELECT ${KEY_COLUMNS} FROM api_keys WHERE hash = $1`, [hash]),
        lookupTimeoutMs,
        'API key lookup',
      );
      return rows[0] ? toKey(rows[0]) : undefined;
    },
    listKeys: () => [...byId.values()].sort((a, b) => a.createdAt - b.createdAt),
    appendLedger(row) {
      const committed = spool.append(row);
      waiting += 1;
      if (waiting >= batchSize) shipSoon();
      return committed;
    },
    spentSince(keyId, since) {
      const shipped = spend.get(`${keyId}@${since}`) ?? 0;
      return addUsd(shipped, spool.pendingCost(keyId, since));
    },
    async queryLedger(filter: LedgerFilter) {
      const where: string[] = [];
      const params: unknown[] = [];
      const add = (sql: string, value: unknown) => {
        params.push(value);
        where.push(sql.replace('?', `$${params.length}`));
      };
      if (filter.from !== undefined) add('ts >= ?', filter.from);
      if (filter.to !== undefined) add('ts < ?', filter.to);
      if (filter.keyId !== undefined) add('key_id = ?', filter.keyId);
      if (filter.model !== undefined) add('model = ?', filter.model);
      params.push(filter.limit ?? 100_000);
      const { rows } = await pool.query(
        `SELECT ${LEDGER_COLUMNS} FROM ledger ${where.length ? `WHERE ${where.join(' AND ')}` : ''} ORDER BY ts LIMIT $${params.length}`,
        params,
      );
      return rows.map(toLedger);
    },
    externalChanges: () => version,
    async flush() {
      if (!closed) enqueue(ship);
      await work;
      if (firstError !== undefined) {
        const error = firstError;
        firstError = undefined;
        throw error;
      }
    },
    close() {
      if (closed) return;
      closed = true;
      clearInterval(shipTimer);
      clearInterval(refreshTimer);
      // What is not shipped yet stays in the spool and ships on the next start.
      void work.finally(() => {
        spool.close();
        void listener.end().catch(() => {});
        void pool.end().catch(() => {});
      });
    },
  };
}
