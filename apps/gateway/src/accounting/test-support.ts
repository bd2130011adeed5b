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
    cacheWriteTokens: 0,
    reasoningTokens: 0,
    cost: 0,
    costSource: 'price_table',
    latencyMs: 1,
    ttftMs: null,
    status: 200,
    errorCode: null,
    stream: false,
    cached: false,
    usageEstimated: false,
    route: 'chat.completions',
    ...overrides,
  };
}

/**
 * A database as schema version 2 left it (before `ledger.cost_source`), with one ledger row: what
 * an upgraded gateway finds. Plain SQL that SQLite and PostgreSQL both accept; `versions` is the
 * store's migrations table (`schema_version` in SQLite, `schema_migrations` in PostgreSQL).
 */
export function schemaV2Statements(versions: string): string[] {
  return [
    `CREATE TABLE ${versions} (version INTEGER NOT NULL)`,
    `INSERT INTO ${versions} (version) VALUES (1), (2)`,
    `CREATE TABLE api_keys (id TEXT PRIMARY KEY, name TEXT NOT NULL, hash BYTEA NOT NULL UNIQUE,
       prefix TEXT NOT NULL, is_admin BOOLEAN NOT NULL DEFAULT FALSE, allowed_models JSONB, rpm INTEGER,
       tpm INTEGER, budget_usd DOUBLE PRECISION, budget_period TEXT NOT NULL DEFAULT 'month', expires_at BIGINT,
       metadata JSONB NOT NULL DEFAULT '{}', created_at BIGINT NOT NULL, revoked_at BIGINT)`,
    `CREATE TABLE ledger (id TEXT PRIMARY KEY, ts BIGINT NOT NULL, request_id TEXT NOT NULL, key_id TEXT,
       model TEXT NOT NULL, deployment TEXT, prompt_tokens INTEGER NOT NULL, completion_tokens INTEGER NOT NULL,
       cached_tokens INTEGER NOT NULL, reasoning_tokens INTEGER NOT NULL, cost DOUBLE PRECISION NOT NULL,
       latency_ms DOUBLE PRECISION NOT NULL, ttft_ms DOUBLE PRECISION, status INTEGER NOT NULL, error_code TEXT,
       stream BOOLEAN NOT NULL, cached BOOLEAN NOT NULL DEFAULT FALSE)`,
    `INSERT INTO ledger (id, ts, request_id, key_id, model, deployment, prompt_tokens, completion_tokens,
       cached_tokens, reasoning_tokens, cost, latency_ms, ttft_ms, status, error_code, stream, cached)
       VALUES ('old-row', 1, 'req_old', 'k-old', 'gpt-4o', 'openai/gpt-4o', 10, 5, 0, 0, 0.5, 3, NULL, 200, NULL, FALSE, FALSE)`,
  ];
}
