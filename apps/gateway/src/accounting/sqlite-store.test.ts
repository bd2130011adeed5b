import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import { openSqliteStore } from './sqlite-store.js';
import type { LedgerRow, Store } from './store.js';

const dirs: string[] = [];
const stores: Store[] = [];
afterEach(() => {
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

function row(n: number): LedgerRow {
  return {
    id: randomUUID(),
    ts: Date.now(),
    requestId: `req_${n}`,
    keyId: 'k1',
    model: 'm1',
    deployment: 'sim/echo',
    promptTokens: 1,
    completionTokens: 1,
    cachedTokens: 0,
    reasoningTokens: 0,
    cost: 0,
    latencyMs: 1,
    ttftMs: null,
    status: 200,
    errorCode: null,
    stream: false,
    cached: false,
  };
}

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
    // Two requests finishing together: the commits after theirs wait a moment for company.
    await Promise.all([store.appendLedger(row(-1)), store.appendLedger(row(0))]);
    const pending: Promise<void>[] = [];
    for (let i = 1; i <= 5; i++) {
      pending.push(store.appendLedger(row(i)));
      await nextTurn();
    }
    // Appended over five event-loop turns, committed together (one transaction unless the machine
    // stalled for the whole commit interval in between).
    expect(new Set(pending).size).toBeLessThan(pending.length);
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
