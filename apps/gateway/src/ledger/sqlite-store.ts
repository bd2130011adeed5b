import Database from 'better-sqlite3';
import { SUM_COST_NANOS, usdOf } from '../pricing/money.js';
import type { BudgetPeriod, CostSource, KeyRecord, LedgerFilter, LedgerRow, Store } from './store.js';

const MIGRATIONS: readonly string[] = [
  `CREATE TABLE api_keys (
     id TEXT PRIMARY KEY,
     name TEXT NOT NULL,
     hash BLOB NOT NULL UNIQUE,
     prefix TEXT NOT NULL,
     is_admin INTEGER NOT NULL DEFAULT 0,
     allowed_models TEXT,
     rpm INTEGER,
     tpm INTEGER,
     budget_usd REAL,
     budget_period TEXT NOT NULL DEFAULT 'month',
     expires_at INTEGER,
     metadata TEXT NOT NULL DEFAULT '{}',
     created_at INTEGER NOT NULL,
     revoked_at INTEGER
   );
   CREATE TABLE ledger (
     id TEXT PRIMARY KEY,
     ts INTEGER NOT NULL,
     request_id TEXT NOT NULL,
     key_id TEXT,
     model TEXT NOT NULL,
     deployment TEXT,
     prompt_tokens INTEGER NOT NULL,
     completion_tokens INTEGER NOT NULL,
     cached_tokens INTEGER NOT NULL,
     reasoning_tokens INTEGER NOT NULL,
     cost REAL NOT NULL,
     latency_ms REAL NOT NULL,
     ttft_ms REAL,
     status INTEGER NOT NULL,
     error_code TEXT,
     stream INTEGER NOT NULL
   );
   CREATE INDEX ledger_ts ON ledger (ts);
   CREATE INDEX ledger_key_ts ON ledger (key_id, ts);
   CREATE INDEX ledger_request_id ON ledger (request_id);`,
  'ALTER TABLE ledger ADD COLUMN cached INTEGER NOT NULL DEFAULT 0;',
  // Estimated usage of a cut stream (issue 22): its own step, so other columns migrate apart.
  'ALTER TABLE ledger ADD COLUMN usage_estimated INTEGER NOT NULL DEFAULT 0;',
  // Rows written before it were all priced from the price table.
  "ALTER TABLE ledger ADD COLUMN cost_source TEXT NOT NULL DEFAULT 'price_table';",
  // Prompt tokens written to the upstream's cache (issue 20); earlier rows did not record them.
  'ALTER TABLE ledger ADD COLUMN cache_write_tokens INTEGER NOT NULL DEFAULT 0;',
  // The front door (issue 16); rows written before it all came through chat completions.
  "ALTER TABLE ledger ADD COLUMN route TEXT NOT NULL DEFAULT 'chat.completions';",
  // A count of key changes, so that other connections (the workers of `--workers N`, which all
  // write ledger rows) re-read the keys when keys changed, not on every ledger commit.
  `CREATE TABLE key_changes (version INTEGER NOT NULL);
   INSERT INTO key_changes (version) VALUES (0);
   CREATE TRIGGER api_keys_inserted AFTER INSERT ON api_keys BEGIN UPDATE key_changes SET version = version + 1; END;
   CREATE TRIGGER api_keys_updated AFTER UPDATE ON api_keys BEGIN UPDATE key_changes SET version = version + 1; END;
   CREATE TRIGGER api_keys_deleted AFTER DELETE ON api_keys BEGIN UPDATE key_changes SET version = version + 1; END;`,
];

interface KeyRow {
  id: string;
  name: string;
  hash: Buffer;
  prefix: string;
  is_admin: number;
  allowed_models: string | null;
  rpm: number | null;
  tpm: number | null;
  budget_usd: number | null;
  budget_period: string;
  expires_at: number | null;
  metadata: string;
  created_at: number;
  revoked_at: number | null;
}

interface LedgerDbRow {
  id: string;
  ts: number;
  request_id: string;
  key_id: string | null;
  model: string;
  deployment: string | null;
  prompt_tokens: number;
  completion_tokens: number;
  cached_tokens: number;
  cache_write_tokens: number;
  reasoning_tokens: number;
  cost: number;
  cost_source: string;
  latency_ms: number;
  ttft_ms: number | null;
  status: number;
  error_code: string | null;
  stream: number;
  cached: number;
  usage_estimated: number;
  route: string;
}

function toKey(row: KeyRow): KeyRecord {
  return {
    id: row.id,
    name: row.name,
    hash: row.hash,
    prefix: row.prefix,
    isAdmin: row.is_admin === 1,
    allowedModels: row.allowed_models === null ? null : (JSON.parse(row.allowed_models) as string[]),
    rpm: row.rpm,
    tpm: row.tpm,
    budgetUsd: row.budget_usd,
    budgetPeriod: row.budget_period as BudgetPeriod,
    expiresAt: row.expires_at,
    metadata: JSON.parse(row.metadata) as Record<string, string>,
    createdAt: row.created_at,
    revokedAt: row.revoked_at,
  };
}

function toKeyParams(k: KeyRecord) {
  return {
    id: k.id,
    name: k.name,
    hash: k.hash,
    prefix: k.prefix,
    is_admin: k.isAdmin ? 1 : 0,
    allowed_models: k.allowedModels === null ? null : JSON.stringify(k.allowedModels),
    rpm: k.rpm,
    tpm: k.tpm,
    budget_usd: k.budgetUsd,
    budget_period: k.budgetPeriod,
    expires_at: k.expiresAt,
    metadata: JSON.stringify(k.metadata),
    created_at: k.createdAt,
    revoked_at: k.revokedAt,
  };
}

function toLedger(row: LedgerDbRow): LedgerRow {
  return {
    id: row.id,
    ts: row.ts,
    requestId: row.request_id,
    keyId: row.key_id,
    model: row.model,
    deployment: row.deployment,
    promptTokens: row.prompt_tokens,
    completionTokens: row.completion_tokens,
    cachedTokens: row.cached_tokens,
    cacheWriteTokens: row.cache_write_tokens,
    reasoningTokens: row.reasoning_tokens,
    cost: row.cost,
    costSource: row.cost_source as CostSource,
    latencyMs: row.latency_ms,
    ttftMs: row.ttft_ms,
    status: row.status,
    errorCode: row.error_code,
    stream: row.stream === 1,
    cached: row.cached === 1,
    usageEstimated: row.usage_estimated === 1,
    route: row.route,
  };
}

function openDatabase(path: string): Database.Database {
  const db = new Database(path);
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = NORMAL');
  db.pragma('busy_timeout = 5000');
  db.exec('CREATE TABLE IF NOT EXISTS schema_version (version INTEGER NOT NULL)');
  const current =
    (db.prepare('SELECT MAX(version) AS v FROM schema_version').get() as { v: number | null }).v ?? 0;
  for (let v = current; v < MIGRATIONS.length; v++) {
    db.transaction(() => {
      db.exec(MIGRATIONS[v] as string);
      db.prepare('INSERT INTO schema_version (version) VALUES (?)').run(v + 1);
    })();
  }
  return db;
}

/**
 * Ledger rows committed in groups: the rows appended while a commit is pending share one
 * transaction (one WAL write instead of one per row). A commit runs right after the turn's I/O
 * callbacks (`setImmediate`). When the previous commit already carried several rows (requests are
 * finishing together), the next one waits until {@link BUSY_COMMIT_INTERVAL_MS} after it, gathering
 * more: a busy gateway commits every few milliseconds with many rows each, while one-at-a-time
 * traffic is committed at once. `append` resolves once its row is committed; reads call `flush()`
 * first, so they see every row appended before them.
 */
const BUSY_COMMIT_INTERVAL_MS = 2;

interface LedgerWriter {
  append(row: LedgerRow): Promise<void>;
  /** Commits the waiting rows now. */
  flush(): void;
}

function createLedgerWriter(db: Database.Database): LedgerWriter {
  const insert = db.prepare(
    `INSERT INTO ledger (id, ts, request_id, key_id, model, deployment, prompt_tokens, completion_tokens, cached_tokens, cache_write_tokens, reasoning_tokens, cost, cost_source, latency_ms, ttft_ms, status, error_code, stream, cached, usage_estimated, route)
     VALUES (@id, @ts, @requestId, @keyId, @model, @deployment, @promptTokens, @completionTokens, @cachedTokens, @cacheWriteTokens, @reasoningTokens, @cost, @costSource, @latencyMs, @ttftMs, @status, @errorCode, @stream, @cached, @usageEstimated, @route)`,
  );
  const insertAll = db.transaction((rows: readonly LedgerRow[]) => {
    for (const row of rows) {
      insert.run({
        ...row,
        stream: row.stream ? 1 : 0,
        cached: row.cached ? 1 : 0,
        usageEstimated: row.usageEstimated ? 1 : 0,
      });
    }
  });
  let rows: LedgerRow[] = [];
  let group: { promise: Promise<void>; resolve: () => void; reject: (error: unknown) => void } | undefined;
  let immediate: ReturnType<typeof setImmediate> | undefined;
  let timer: ReturnType<typeof setTimeout> | undefined;
  let lastCommit = Number.NEGATIVE_INFINITY;
  let lastCommitRows = 0;

  const flush = () => {
    if (immediate !== undefined) clearImmediate(immediate);
    if (timer !== undefined) clearTimeout(timer);
    immediate = undefined;
    timer = undefined;
    const current = group;
    if (!current) return;
    const batch = rows;
    rows = [];
    group = undefined;
    try {
      insertAll(batch);
      current.resolve();
    } catch (error) {
      current.reject(error);
    }
    lastCommit = performance.now();
    lastCommitRows = batch.length;
  };

  return {
    append(row) {
      rows.push(row);
      if (!group) {
        let resolve!: () => void;
        let reject!: (error: unknown) => void;
        const promise = new Promise<void>((res, rej) => {
          resolve = res;
          reject = rej;
        });
        group = { promise, resolve, reject };
        const wait = lastCommitRows > 1 ? lastCommit + BUSY_COMMIT_INTERVAL_MS - performance.now() : 0;
        if (wait > 0) timer = setTimeout(flush, wait);
        else immediate = setImmediate(flush);
      }
      return group.promise;
    },
    flush,
  };
}

/**
 * Ledger rows waiting to be shipped to a networked store, in a local SQLite file with the same
 * crash guarantee as the default store: once `append` returns, `kill -9` cannot lose the row.
 */
export interface LedgerSpool {
  /** Resolves once the row is committed (see {@link LedgerWriter}). */
  append(row: LedgerRow): Promise<void>;
  /** The oldest `limit` rows still waiting. */
  peek(limit: number): LedgerRow[];
  /** Forgets rows once the shared store has committed them. */
  remove(ids: readonly string[]): void;
  /** Cost of the waiting rows of a key since `since` (so budgets count them before they ship). */
  pendingCost(keyId: string, since: number): number;
  size(): number;
  close(): void;
}

export function openLedgerSpool(path: string): LedgerSpool {
  const db = openDatabase(path);
  const writer = createLedgerWriter(db);
  const peek = db.prepare<[number], LedgerDbRow>('SELECT * FROM ledger ORDER BY ts, id LIMIT ?');
  const remove = db.prepare<[string]>('DELETE FROM ledger WHERE id = ?');
  const removeAll = db.transaction((ids: readonly string[]) => {
    for (const id of ids) remove.run(id);
  });
  const pending = db.prepare<[string, number], { s: number | null }>(
    `SELECT ${SUM_COST_NANOS} AS s FROM ledger WHERE key_id = ? AND ts >= ?`,
  );
  const count = db.prepare('SELECT COUNT(*) FROM ledger').pluck();
  return {
    append: writer.append,
    peek(limit) {
      writer.flush();
      return peek.all(limit).map(toLedger);
    },
    remove: (ids) => removeAll(ids),
    pendingCost(keyId, since) {
      writer.flush();
      return usdOf(pending.get(keyId, since)?.s ?? 0);
    },
    size() {
      writer.flush();
      return count.get() as number;
    },
    close() {
      if (!db.open) return;
      writer.flush();
      db.close();
    },
  };
}

/**
 * The default store: one SQLite file in WAL mode. Ledger rows are committed in groups (see
 * {@link LedgerWriter}); with WAL, a committed transaction is in
 * the WAL file (the OS page cache) when `appendLedger`'s promise resolves, so a process crash
 * (`kill -9`) cannot lose it. `synchronous=NORMAL` skips the fsync per commit, so a
 * power cut may lose the last commits: the gateway promises crash safety, not power-cut safety.
 */
export function openSqliteStore(path: string): Store {
  const db = openDatabase(path);
  const keyColumns =
    'id, name, hash, prefix, is_admin, allowed_models, rpm, tpm, budget_usd, budget_period, expires_at, metadata, created_at, revoked_at';
  const insertKey = db.prepare(
    `INSERT INTO api_keys (${keyColumns}) VALUES (@id, @name, @hash, @prefix, @is_admin, @allowed_models, @rpm, @tpm, @budget_usd, @budget_period, @expires_at, @metadata, @created_at, @revoked_at)`,
  );
  const replaceKey = db.prepare(
    `UPDATE api_keys SET name=@name, prefix=@prefix, is_admin=@is_admin, allowed_models=@allowed_models, rpm=@rpm, tpm=@tpm, budget_usd=@budget_usd, budget_period=@budget_period, expires_at=@expires_at, metadata=@metadata, revoked_at=@revoked_at WHERE id=@id`,
  );
  const getKey = db.prepare<[string], KeyRow>(`SELECT ${keyColumns} FROM api_keys WHERE id = ?`);
  const keyByHash = db.prepare<[Buffer], KeyRow>(`SELECT ${keyColumns} FROM api_keys WHERE hash = ?`);
  const listKeys = db.prepare<[], KeyRow>(`SELECT ${keyColumns} FROM api_keys ORDER BY created_at`);
  const ledger = createLedgerWriter(db);
  const dataVersion = db.prepare('PRAGMA data_version').pluck();
  const keyChanges = db.prepare('SELECT version FROM key_changes').pluck();
  // `data_version` moves with every commit of another connection (ledger rows included); the key
  // count is read only then.
  let seenData: unknown;
  let keysVersion = 0;
  const spent = db.prepare<[string, number], { s: number | null }>(
    `SELECT ${SUM_COST_NANOS} AS s FROM ledger WHERE key_id = ? AND ts >= ?`,
  );

  const findKeyByHash = (hash: Buffer) => {
    const row = keyByHash.get(hash);
    return row ? toKey(row) : undefined;
  };

  return {
    insertKey(record) {
      insertKey.run(toKeyParams(record));
    },
    updateKey(id, patch) {
      const row = getKey.get(id);
      if (!row) return undefined;
      const next = { ...toKey(row), ...patch, id };
      replaceKey.run(toKeyParams(next));
      return next;
    },
    getKey(id) {
      const row = getKey.get(id);
      return row ? toKey(row) : undefined;
    },
    findKeyByHash,
    // The file is the shared store: the same read, answered in microseconds.
    lookupKey: async (hash) => findKeyByHash(hash),
    listKeys() {
      return listKeys.all().map(toKey);
    },
    appendLedger: ledger.append,
    spentSince(keyId, since) {
      ledger.flush();
      return usdOf(spent.get(keyId, since)?.s ?? 0);
    },
    async queryLedger(filter: LedgerFilter) {
      ledger.flush();
      const where: string[] = [];
      const params: (string | number)[] = [];
      if (filter.from !== undefined) {
        where.push('ts >= ?');
        params.push(filter.from);
      }
      if (filter.to !== undefined) {
        where.push('ts < ?');
        params.push(filter.to);
      }
      if (filter.keyId !== undefined) {
        where.push('key_id = ?');
        params.push(filter.keyId);
      }
      if (filter.model !== undefined) {
        where.push('model = ?');
        params.push(filter.model);
      }
      const sql = `SELECT * FROM ledger ${where.length ? `WHERE ${where.join(' AND ')}` : ''} ORDER BY ts LIMIT ?`;
      params.push(filter.limit ?? 100_000);
      return (db.prepare(sql).all(...params) as LedgerDbRow[]).map(toLedger);
    },
    externalChanges() {
      const data = dataVersion.get();
      if (data !== seenData) {
        seenData = data;
        keysVersion = keyChanges.get() as number;
      }
      return keysVersion;
    },
    async flush() {
      ledger.flush();
    },
    close() {
      if (!db.open) return;
      ledger.flush();
      db.close();
    },
  };
}
