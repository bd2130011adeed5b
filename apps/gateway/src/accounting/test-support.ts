import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createAccounting } from './index.js';
import type { LedgerRow } from './store.js';

/** A fresh accounting over a real SQLite file in a temp dir; `cleanup` closes and deletes it. */
export function tempAccounting(options: Omit<Parameters<typeof createAccounting>[0], 'databasePath'> = {}) {
  const dir = mkdtempSync(join(tmpdir(), 'switchyard-accounting-'));
  const databasePath = join(dir, 'gateway.db');
  const accounting = createAccounting({ ...options, databasePath });
  return {
    accounting,
    databasePath,
    cleanup() {
      accounting.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** A plausible ledger row (a fresh id and request id, now), with `overrides`. */
export function ledgerRow(overrides: Partial<LedgerRow> = {}): LedgerRow {
  return {
    id: randomUUID(),
    ts: Date.now(),
    requestId: `req_${randomUUID().slice(0, 8)}`,
    keyId: 'k1',
    model: 'm',
    deployment: null,
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
    usageEstimated: false,
    ...overrides,
  };
}
