import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, describe, expect, it, vi } from 'vitest';
import { ledgerRow } from '../../test/support/ledger-rows.js';
import { freshDatabase, skipNote, skipWithout } from '../../test/support/services.js';
import { hashSecret } from '../keys/api-keys.js';
import { openPostgresStore } from './postgres-store.js';
import { openSqliteStore } from './sqlite-store.js';
import type { KeyRecord, LedgerRow, Store } from './store.js';

/** Opens stores that share data (two instances of one deployment); `cleanup` removes everything. */
interface Backend {
  open(): Promise<Store>;
  cleanup(): Promise<void>;
}

function key(overrides: Partial<KeyRecord> = {}): KeyRecord {
  const id = `key_${randomUUID().slice(0, 8)}`;
  return {
    id,
    name: id,
    hash: hashSecret(id),
    prefix: 'sk-sy-abcd…',
    isAdmin: false,
    allowedModels: ['m1', 'm2'],
    rpm: 60,
    tpm: null,
    budgetUsd: 2.5,
    budgetPeriod: 'day',
    expiresAt: null,
    metadata: { team: 'a' },
    createdAt: Date.now(),
    revokedAt: null,
    ...overrides,
  };
}

function row(overrides: Partial<LedgerRow> = {}): LedgerRow {
  return ledgerRow({
    model: 'm1',
    deployment: 'sim/echo',
    promptTokens: 10,
    completionTokens: 20,
    cachedTokens: 2,
    reasoningTokens: 3,
    cost: 0.25,
    latencyMs: 12.5,
    ttftMs: 3.25,
    stream: true,
    ...overrides,
  });
}

function storeSuite(name: string, makeBackend: () => Promise<Backend>, skip = false) {
  describe.skipIf(skip)(`Store contract: ${name}`, () => {
    let backend: Backend;
    const opened: Store[] = [];
    const open = async () => {
      backend ??= await makeBackend();
      const store = await backend.open();
      opened.push(store);
      return store;
    };
    afterEach(async () => {
      for (const s of opened.splice(0)) {
        await s.flush();
        s.close();
      }
    });
    afterAll(async () => backend?.cleanup());

    it('creates, reads, finds by hash, lists and updates keys', async () => {
      const store = await open();
      const a = key({ createdAt: 1000 });
      const b = key({ createdAt: 2000, allowedModels: null, isAdmin: true });
      store.insertKey(a);
      store.insertKey(b);
      await store.flush();
      expect(store.getKey(a.id)).toEqual(a);
      expect(store.findKeyByHash(b.hash)).toEqual(b);
      expect(store.findKeyByHash(hashSecret('nope'))).toBeUndefined();
      expect(store.listKeys().map((k) => k.id)).toEqual(expect.arrayContaining([a.id, b.id]));
      const updated = store.updateKey(a.id, { revokedAt: 5000, rpm: null, metadata: {} });
      expect(updated).toMatchObject({ id: a.id, revokedAt: 5000, rpm: null, metadata: {}, hash: a.hash });
      expect(store.updateKey('missing', { name: 'x' })).toBeUndefined();
      await store.flush();
      // A second instance reads what the first wrote.
      const other = await open();
      expect(other.getKey(a.id)).toEqual(updated);
    });

    it('appends ledger rows and queries them by time, key and model', async () => {
      const store = await open();
      const t = Date.now();
      const rows = [
        row({ ts: t - 3000, keyId: 'qa', model: 'm1' }),
        row({
          ts: t - 2000,
          keyId: 'qa',
          model: 'm2',
          status: 502,
          errorCode: 'upstream_error',
          ttftMs: null,
        }),
        row({
          ts: t - 1000,
          keyId: 'qb',
          model: 'm1',
          stream: false,
          deployment: null,
          cached: true,
          cost: 0,
        }),
        row({ ts: t - 500, keyId: 'qa', model: 'm1', cost: 0.000123, costSource: 'upstream' }),
      ];
      for (const r of rows) store.appendLedger(r);
      await store.flush();
      expect(await store.queryLedger({ from: t - 10_000, keyId: 'qa' })).toEqual([rows[0], rows[1], rows[3]]);
      expect(await store.queryLedger({ from: t - 10_000, model: 'm1' })).toEqual([rows[0], rows[2], rows[3]]);
      expect(await store.queryLedger({ from: t - 2500, to: t - 500 })).toEqual(rows.slice(1, 3));
      expect(await store.queryLedger({ from: t - 10_000, limit: 1 })).toEqual([rows[0]]);
    });

    it('sums spend per key since a time, counting rows not shipped yet', async () => {
      const store = await open();
      const t = Date.now();
      store.appendLedger(row({ keyId: 'spender', ts: t - 5000, cost: 1 }));
      store.appendLedger(row({ keyId: 'spender', ts: t - 1000, cost: 0.5 }));
      store.appendLedger(row({ keyId: 'other', ts: t - 1000, cost: 9 }));
      expect(store.spentSince('spender', 0)).toBeCloseTo(1.5, 9);
      await store.flush();
      expect(store.spentSince('spender', 0)).toBeCloseTo(1.5, 9);
      expect(store.spentSince('nobody', 0)).toBe(0);
    });

    it("reads another instance's key with lookupKey as soon as it is flushed, change notice or not", async () => {
      const a = await open();
      const b = await open();
      const k = key();
      a.insertKey(k);
      await a.flush();
      expect(await b.lookupKey(k.hash)).toEqual(k);
      expect(await b.lookupKey(hashSecret('never created'))).toBeUndefined();
    });

    it('moves externalChanges when another instance changes keys', async () => {
      const a = await open();
      const b = await open();
      const before = b.externalChanges();
      const k = key();
      a.insertKey(k);
      await a.flush();
      await vi.waitFor(() => expect(b.externalChanges()).not.toBe(before), { timeout: 5000 });
      await vi.waitFor(() => expect(b.getKey(k.id)).toEqual(k), { timeout: 5000 });
      a.updateKey(k.id, { revokedAt: 1 });
      await a.flush();
      await vi.waitFor(() => expect(b.getKey(k.id)?.revokedAt).toBe(1), { timeout: 5000 });
    });
  });
}

storeSuite('sqlite', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'switchyard-store-'));
  return {
    open: async () => openSqliteStore(join(dir, 'gateway.db')),
    cleanup: async () => rmSync(dir, { recursive: true, force: true }),
  };
});

storeSuite(
  `postgres${skipNote('postgres')}`,
  async () => {
    const dir = mkdtempSync(join(tmpdir(), 'switchyard-store-'));
    const db = await freshDatabase();
    let n = 0;
    return {
      open: () => openPostgresStore({ url: db.url, spoolPath: join(dir, `spool-${n++}.db`) }),
      async cleanup() {
        await db.drop();
        rmSync(dir, { recursive: true, force: true });
      },
    };
  },
  skipWithout('postgres'),
);
