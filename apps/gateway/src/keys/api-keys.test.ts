import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { openSqliteStore } from '../ledger/sqlite-store.js';
import type { Store } from '../ledger/store.js';
import { generateSecret, KeyRing } from './api-keys.js';
import type { KeyLookupResult, UnknownKeyLimits } from './unknown-keys.js';

const cleanups: (() => void)[] = [];
afterEach(() => {
  for (const c of cleanups.splice(0)) c();
});

/**
 * Two instances on one shared store (two connections to one real SQLite file). Instance B sees
 * A's changes late, as with PostgreSQL: its key list and change counter move only on `announce()`
 * (A's change notice arrived) and `load()` (the reload it triggers finished). B's lookups read the
 * shared file; what `duringLookup(fn)` sets runs after a lookup read and before B gets the answer.
 */
function twoInstances(limits: UnknownKeyLimits = {}) {
  const dir = mkdtempSync(join(tmpdir(), 'switchyard-keys-'));
  const path = join(dir, 'gateway.db');
  const storeA = openSqliteStore(path);
  const shared = openSqliteStore(path);
  cleanups.push(() => {
    storeA.close();
    shared.close();
    rmSync(dir, { recursive: true, force: true });
  });
  let version = 0;
  let keys = shared.listKeys();
  let duringLookup: (() => void) | undefined;
  const viewOfB: Store = {
    ...shared,
    externalChanges: () => version,
    listKeys: () => keys,
    async lookupKey(hash) {
      const found = await shared.lookupKey(hash);
      duringLookup?.();
      return found;
    },
  };
  const lookups: KeyLookupResult[] = [];
  const a = new KeyRing(storeA);
  const b = new KeyRing(viewOfB, { ...limits, onLookup: (result) => lookups.push(result) });
  return {
    a,
    b,
    lookups,
    announce() {
      version += 1;
    },
    load() {
      keys = shared.listKeys();
      version += 1;
    },
    duringLookup(fn: (() => void) | undefined) {
      duringLookup = fn;
    },
  };
}

describe('KeyRing.verifyShared', () => {
  it('accepts a key another instance created before its change notice arrived, with one lookup', async () => {
    const t = twoInstances();
    const { record, secret } = t.a.create({ name: 'new' });
    expect(t.b.verify(secret)).toBeUndefined(); // memory alone: the 401 of issue 27
    expect((await t.b.verifyShared(secret))?.id).toBe(record.id);
    expect((await t.b.verifyShared(secret))?.id).toBe(record.id);
    expect(t.b.verify(secret)?.id).toBe(record.id);
    expect(t.lookups).toEqual(['found']);
  });

  it('never resurrects a revoked key: a known key is not looked up, and a read older than a revocation loses', async () => {
    const t = twoInstances();
    const known = t.a.create({ name: 'known' });
    t.load();
    t.a.revoke(known.record.id);
    t.load();
    expect(await t.b.verifyShared(known.secret)).toBeUndefined();
    expect(t.lookups).toEqual([]);

    const raced = t.a.create({ name: 'raced' });
    // B's lookup reads the live key; before B gets the answer, the revocation lands and is loaded.
    t.duringLookup(() => {
      t.a.revoke(raced.record.id);
      t.load();
    });
    expect(await t.b.verifyShared(raced.secret)).toBeUndefined();
    expect(t.lookups).toEqual(['found']);
  });

  it('remembers a miss until keys change or it expires, and never a miss read before a change notice', async () => {
    const t = twoInstances({ negativeTtlMs: 1_000 });
    const early = generateSecret();
    expect(await t.b.verifyShared(early, 0)).toBeUndefined();
    expect(await t.b.verifyShared(early, 1)).toBeUndefined();
    expect(t.lookups).toEqual(['not_found', 'negative_cached']);
    // Created with that very secret: the notice clears the miss, and the key is accepted before
    // the reload it triggers finished.
    t.a.create({ name: 'early' }, early);
    t.announce();
    expect((await t.b.verifyShared(early, 2))?.name).toBe('early');
    expect(t.lookups).toEqual(['not_found', 'negative_cached', 'found']);

    const unknown = generateSecret();
    await t.b.verifyShared(unknown, 10);
    await t.b.verifyShared(unknown, 1_009);
    await t.b.verifyShared(unknown, 1_010);
    expect(t.lookups.slice(3)).toEqual(['not_found', 'negative_cached', 'not_found']);

    // A read from before a creation, answered after its notice arrived, is not remembered.
    const late = generateSecret();
    t.duringLookup(() => {
      t.a.create({ name: 'late' }, late);
      t.announce();
    });
    expect(await t.b.verifyShared(late, 2_000)).toBeUndefined();
    t.duringLookup(undefined);
    expect((await t.b.verifyShared(late, 2_001))?.name).toBe('late');
    expect(t.lookups.slice(6)).toEqual(['not_found', 'found']);
  });

  it('spends at most lookupsPerSecond lookups and refuses the rest unread', async () => {
    const t = twoInstances({ lookupsPerSecond: 2 });
    for (const now of [0, 0, 0, 499, 600]) await t.b.verifyShared(generateSecret(), now);
    expect(t.lookups).toEqual(['not_found', 'not_found', 'throttled', 'throttled', 'not_found']);
  });
});
