import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { ledgerRow, schemaV2Statements } from '../../test/support/ledger-rows.js';
import { openSqliteStore } from './sqlite-store.js';
import type { Store } from './store.js';

const dirs: string[] = [];
const stores: Store[] = [];
afterEach(() => {
  vi.useRealTimers();
  for (const store of stores.splice(0)) store.close();
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

function open(): { store: Store; path: string } {
  const dir = mkdtempSync(join(tmpdir(), 'sy-sqlite-'));
  dirs.push(dir);
  const path = join(dir, 'gateway.db');
  const store = openSqliteStore(path);
  stores.push(store);
  return { store, path };
}

const row = (n: number) => ledgerRow({ requestId: `req_${n}` });

const nextTurn = () => new Promise<void>((resolve) => setImmediate(resolve));

/** Rows as another process sees them (committed, not merely queued). */
function committedRows(path: string): number {
  const reader = new Database(path, { readonly: true });
  try {
    return reader.prepare('SELECT COUNT(*) FROM ledger').pluck().get() as number;
  } finally {
    reader.close();
  }
}

describe('SQLite ledger group commit', () => {
  it('commits the rows of a busy stretch together, each committed when its promise resolves', async () => {
    const { store, path } = open();
    // The clock stands still, so the 2 ms wait cannot run out between turns however busy the
    // machine is (event-loop turns are real).
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'performance'] });
    // Two requests finishing together: the commits after theirs wait a moment for company.
    await Promise.all([store.appendLedger(row(-1)), store.appendLedger(row(0))]);
    const pending: Promise<void>[] = [];
    for (let i = 1; i <= 5; i++) {
      pending.push(store.appendLedger(row(i)));
      await nextTurn();
    }
    expect(new Set(pending).size).toBe(1);
    expect(committedRows(path)).toBe(2);
    vi.advanceTimersByTime(2);
    await pending[0];
    expect(committedRows(path)).toBe(7);
  });

  it('commits one-at-a-time traffic at once', async () => {
    const { store, path } = open();
    await store.appendLedger(row(0));
    const first = store.appendLedger(row(1));
    await nextTurn();
    await nextTurn();
    const second = store.appendLedger(row(2));
    expect(second).not.toBe(first);
    await Promise.all([first, second]);
    expect(committedRows(path)).toBe(3);
  });
});

describe('SQLite ledger: estimated usage', () => {
  it('stores whether a row holds estimated usage, also in a database made before the column', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'sy-sqlite-'));
    dirs.push(dir);
    const path = join(dir, 'gateway.db');
    // A database as the gateway left it before this column (schema version 2), with one row.
    const old = new Database(path);
    old.exec(
      'CREATE TABLE schema_version (version INTEGER NOT NULL); INSERT INTO schema_version VALUES (2);',
    );
    old.exec(`CREATE TABLE ledger (id TEXT PRIMARY KEY, ts INTEGER NOT NULL, request_id TEXT NOT NULL,
      key_id TEXT, model TEXT NOT NULL, deployment TEXT, prompt_tokens INTEGER NOT NULL,
      completion_tokens INTEGER NOT NULL, cached_tokens INTEGER NOT NULL, reasoning_tokens INTEGER NOT NULL,
      cost REAL NOT NULL, latency_ms REAL NOT NULL, ttft_ms REAL, status INTEGER NOT NULL, error_code TEXT,
      stream INTEGER NOT NULL, cached INTEGER NOT NULL DEFAULT 0);
      CREATE TABLE api_keys (id TEXT PRIMARY KEY, name TEXT NOT NULL, hash BLOB NOT NULL UNIQUE,
      prefix TEXT NOT NULL, is_admin INTEGER NOT NULL DEFAULT 0, allowed_models TEXT, rpm INTEGER,
      tpm INTEGER, budget_usd REAL, budget_period TEXT NOT NULL DEFAULT 'month', expires_at INTEGER,
      metadata TEXT NOT NULL DEFAULT '{}', created_at INTEGER NOT NULL, revoked_at INTEGER);`);
    old
      .prepare(
        `INSERT INTO ledger VALUES ('before', 1, 'req_before', 'k1', 'm', NULL, 1, 1, 0, 0, 0, 1, NULL, 200, NULL, 1, 0)`,
      )
      .run();
    old.close();
    const store = openSqliteStore(path);
    stores.push(store);
    await store.appendLedger(ledgerRow({ id: 'cut', ts: 2, usageEstimated: true, promptTokens: 9 }));
    const rows = await store.queryLedger({});
    expect(rows.map((r) => [r.id, r.usageEstimated, r.promptTokens])).toEqual([
      ['before', false, 1],
      ['cut', true, 9],
    ]);
  });
});

describe('SQLite migrations', () => {
  it('adds ledger.cost_source and cache_write_tokens to a version-2 database: earlier rows were priced from the price table, wrote nothing to a cache', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'sy-sqlite-'));
    dirs.push(dir);
    const path = join(dir, 'gateway.db');
    const old = new Database(path);
    for (const sql of schemaV2Statements('schema_version')) old.exec(sql);
    old.close();
    const store = openSqliteStore(path);
    stores.push(store);
    await store.appendLedger(
      ledgerRow({ keyId: 'k-old', ts: 2, cost: 0.000123, costSource: 'upstream', cacheWriteTokens: 2_500 }),
    );
    const rows = await store.queryLedger({ keyId: 'k-old' });
    expect(rows.map((r) => [r.id, r.cost, r.costSource, r.cacheWriteTokens])).toEqual([
      ['old-row', 0.5, 'price_table', 0],
      [rows[1]?.id, 0.000123, 'upstream', 2_500],
    ]);
  });
});
