import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ledgerRow, schemaV2Statements } from '../../test/support/ledger-rows.js';
import { freshDatabase, skipNote, skipWithout } from '../../test/support/services.js';
import { TcpRelay } from '../../test/support/tcp-relay.js';
import { openPostgresStore } from './postgres-store.js';
import { openLedgerSpool } from './sqlite-store.js';
import type { KeyRecord, LedgerRow } from './store.js';

const row = (keyId: string, cost: number) => ledgerRow({ keyId, cost });

describe.skipIf(skipWithout('postgres'))(`PostgreSQL store: the ledger spool${skipNote('postgres')}`, () => {
  let db: Awaited<ReturnType<typeof freshDatabase>>;
  const dir = mkdtempSync(join(tmpdir(), 'switchyard-spool-'));
  beforeAll(async () => {
    db = await freshDatabase();
  });
  afterAll(async () => {
    await db?.drop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('ships on the next start what a stopped instance left in its spool, once', async () => {
    const spoolPath = join(dir, 'a.db');
    // An instance that never got to ship (as after kill -9): its rows are only in the spool.
    const stopped = await openPostgresStore({ url: db.url, spoolPath, shipIntervalMs: 3_600_000 });
    const rows = [row('k-spool', 1), row('k-spool', 2), row('k-spool', 3)];
    for (const r of rows) stopped.appendLedger(r);
    expect(stopped.spentSince('k-spool', 0)).toBe(6);
    stopped.close();
    // A row shipped before the crash but not yet removed from the spool must not count twice.
    const other = await openPostgresStore({ url: db.url, spoolPath: join(dir, 'b.db') });
    other.appendLedger(rows[0] as LedgerRow);
    await other.flush();
    expect(await other.queryLedger({ keyId: 'k-spool' })).toHaveLength(1);

    const restarted = await openPostgresStore({ url: db.url, spoolPath });
    const shipped = await restarted.queryLedger({ keyId: 'k-spool' });
    expect(shipped.map((r) => r.id).sort()).toEqual(rows.map((r) => r.id).sort());
    expect(restarted.spentSince('k-spool', 0)).toBe(6);
    restarted.close();
    other.close();
    const spool = openLedgerSpool(spoolPath);
    expect(spool.size()).toBe(0);
    spool.close();
  });

  it('ships whether a row holds estimated usage', async () => {
    const store = await openPostgresStore({ url: db.url, spoolPath: join(dir, 'd.db') });
    store.appendLedger(ledgerRow({ keyId: 'k-est', usageEstimated: true, cost: 0.25 }));
    store.appendLedger(ledgerRow({ keyId: 'k-est', usageEstimated: false }));
    await store.flush();
    const rows = await store.queryLedger({ keyId: 'k-est' });
    expect(rows.map((r) => r.usageEstimated).sort()).toEqual([false, true]);
    expect(store.spentSince('k-est', 0)).toBe(0.25);
    store.close();
  });

  it('ships a full batch without waiting for the interval', async () => {
    const store = await openPostgresStore({
      url: db.url,
      spoolPath: join(dir, 'c.db'),
      shipIntervalMs: 3_600_000,
      batchSize: 10,
    });
    for (let i = 0; i < 10; i++) store.appendLedger(row('k-batch', 0.5));
    await expect.poll(async () => (await store.queryLedger({ keyId: 'k-batch' })).length).toBe(10);
    store.close();
  });

  /** Runs one query on the database directly (not through the store under test). */
  async function query<T extends pg.QueryResultRow>(url: string, text: string): Promise<T[]> {
    const client = new pg.Client({ connectionString: url });
    await client.connect();
    try {
      return (await client.query<T>(text)).rows;
    } finally {
      await client.end();
    }
  }

  it('migrates exactly once when several instances start together on an empty database', async () => {
    const empty = await freshDatabase();
    try {
      const stores = await Promise.all(
        ['m1', 'm2', 'm3'].map((name) =>
          openPostgresStore({ url: empty.url, spoolPath: join(dir, `${name}.db`) }),
        ),
      );
      const versions = await query<{ version: number }>(
        empty.url,
        'SELECT version FROM schema_migrations ORDER BY version',
      );
      expect(versions.length).toBeGreaterThan(0);
      expect(versions.map((v) => v.version)).toEqual(versions.map((_, i) => i + 1));
      for (const store of stores) store.close();
    } finally {
      await empty.drop();
    }
  });

  it('keeps billing into the spool while PostgreSQL is unreachable, and ships the rows once it is back', async () => {
    const relay = await new TcpRelay(db.url).start();
    const errors: unknown[] = [];
    const store = await openPostgresStore({
      url: relay.url,
      spoolPath: join(dir, 'outage.db'),
      shipIntervalMs: 50,
      onError: (error) => errors.push(error),
    });
    try {
      await relay.cut();
      const rows = [row('k-outage', 1), row('k-outage', 2)];
      // Billed: committed to the spool, counted in the key's spend, while shipping fails.
      await Promise.all(rows.map((r) => store.appendLedger(r)));
      expect(store.spentSince('k-outage', 0)).toBe(3);
      await expect.poll(() => errors.length, { timeout: 10_000 }).toBeGreaterThan(0);
      const shippedDuring = await query(db.url, "SELECT id FROM ledger WHERE key_id = 'k-outage'");
      expect(shippedDuring).toHaveLength(0);

      await relay.start();
      await expect
        .poll(
          async () =>
            (await query<{ id: string }>(db.url, "SELECT id FROM ledger WHERE key_id = 'k-outage'"))
              .map((r) => r.id)
              .sort(),
          { timeout: 15_000, interval: 100 },
        )
        .toEqual(rows.map((r) => r.id).sort());
    } finally {
      store.close();
      await relay.cut();
    }
  });

  it('heals a lost key notification with the full reload (every 5 s)', async () => {
    const a = await openPostgresStore({ url: db.url, spoolPath: join(dir, 'n-a.db') });
    const b = await openPostgresStore({ url: db.url, spoolPath: join(dir, 'n-b.db') });
    try {
      // Drop every LISTEN connection on this database, as a network failure would: B misses
      // the NOTIFY of the key A creates next.
      const dropped = await query<{ ok: boolean }>(
        db.url,
        "SELECT pg_terminate_backend(pid) AS ok FROM pg_stat_activity WHERE datname = current_database() AND query LIKE 'LISTEN %'",
      );
      expect(dropped.length).toBeGreaterThanOrEqual(2);
      const record: KeyRecord = {
        id: 'k-lost-notify',
        name: 'lost notify',
        hash: randomBytes(32),
        prefix: 'sk-sy-lost',
        isAdmin: false,
        allowedModels: null,
        rpm: null,
        tpm: null,
        budgetUsd: null,
        budgetPeriod: 'month',
        expiresAt: null,
        metadata: {},
        createdAt: Date.now(),
        revokedAt: null,
      };
      a.insertKey(record);
      await a.flush();
      // Within one reload period (5 s), with room for a loaded machine.
      await expect
        .poll(() => b.findKeyByHash(record.hash)?.id, { timeout: 8_000, interval: 50 })
        .toBe(record.id);
    } finally {
      a.close();
      b.close();
    }
  });
});

describe.skipIf(skipWithout('postgres'))(`PostgreSQL store: migrations${skipNote('postgres')}`, () => {
  it('adds ledger.cost_source and cache_write_tokens to a version-2 database: earlier rows were priced from the price table, wrote nothing to a cache', async () => {
    const db = await freshDatabase();
    const dir = mkdtempSync(join(tmpdir(), 'switchyard-spool-'));
    try {
      const client = new pg.Client({ connectionString: db.url });
      await client.connect();
      for (const sql of schemaV2Statements('schema_migrations')) await client.query(sql);
      await client.end();
      const store = await openPostgresStore({ url: db.url, spoolPath: join(dir, 'spool.db') });
      store.appendLedger(
        ledgerRow({ keyId: 'k-old', ts: 2, cost: 0.000123, costSource: 'upstream', cacheWriteTokens: 2_500 }),
      );
      await store.flush();
      const rows = await store.queryLedger({ keyId: 'k-old' });
      store.close();
      expect(rows.map((r) => [r.id, r.cost, r.costSource, r.cacheWriteTokens])).toEqual([
        ['old-row', 0.5, 'price_table', 0],
        [rows[1]?.id, 0.000123, 'upstream', 2_500],
      ]);
    } finally {
      await db.drop();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
