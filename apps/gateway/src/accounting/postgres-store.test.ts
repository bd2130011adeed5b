import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freshDatabase, skipNote, skipWithout } from '../../test/helpers/services.js';
import { openPostgresStore } from './postgres-store.js';
import { openLedgerSpool } from './sqlite-store.js';
import type { LedgerRow } from './store.js';
import { ledgerRow, schemaV2Statements } from './test-support.js';

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
});

describe.skipIf(skipWithout('postgres'))(`PostgreSQL store: migrations${skipNote('postgres')}`, () => {
  it('adds ledger.cost_source to a version-2 database: earlier rows were priced from the price table', async () => {
    const db = await freshDatabase();
    const dir = mkdtempSync(join(tmpdir(), 'switchyard-spool-'));
    try {
      const client = new pg.Client({ connectionString: db.url });
      await client.connect();
      for (const sql of schemaV2Statements('schema_migrations')) await client.query(sql);
      await client.end();
      const store = await openPostgresStore({ url: db.url, spoolPath: join(dir, 'spool.db') });
      store.appendLedger(ledgerRow({ keyId: 'k-old', ts: 2, cost: 0.000123, costSource: 'upstream' }));
      await store.flush();
      const rows = await store.queryLedger({ keyId: 'k-old' });
      store.close();
      expect(rows.map((r) => [r.id, r.cost, r.costSource])).toEqual([
        ['old-row', 0.5, 'price_table'],
        [rows[1]?.id, 0.000123, 'upstream'],
      ]);
    } finally {
      await db.drop();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
