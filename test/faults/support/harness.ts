import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { GATEWAY_DIR, type RunningGateway } from '../../../apps/gateway/test/support/gateway-process.js';

export {
  createKey,
  type RunningGateway,
  removeDir,
  startGateway,
} from '../../../apps/gateway/test/support/gateway-process.js';

/** An admin key for fault tests (SWITCHYARD_ADMIN_KEY), so that the logs can be scanned for it. */
export const ADMIN_KEY = 'sk-sy-fault-admin-0123456789abcdef0123456789abcdef';

/** One row of the gateway's usage ledger, as stored. */
export interface LedgerRow {
  request_id: string;
  model: string;
  deployment: string | null;
  status: number;
  error_code: string | null;
  stream: number;
  prompt_tokens: number;
  completion_tokens: number;
}

interface ReadonlyDatabase {
  prepare(sql: string): { all(...params: unknown[]): unknown[] };
  close(): void;
}

// better-sqlite3 is the gateway's dependency, not the root's: load it from there.
const requireFromGateway = createRequire(join(GATEWAY_DIR, 'package.json'));
const Database = requireFromGateway('better-sqlite3') as new (
  path: string,
  options: { readonly: boolean; fileMustExist: boolean },
) => ReadonlyDatabase;

/** The ledger rows of one request, read from the gateway's SQLite file (read-only, WAL-safe). */
export function ledgerRows(gateway: RunningGateway, requestId: string): LedgerRow[] {
  const db = new Database(join(gateway.dataDir, 'switchyard.db'), { readonly: true, fileMustExist: true });
  try {
    return db
      .prepare(
        'SELECT request_id, model, deployment, status, error_code, stream, prompt_tokens, completion_tokens FROM ledger WHERE request_id = ?',
      )
      .all(requestId) as LedgerRow[];
  } finally {
    db.close();
  }
}

/** Waits for a request's ledger row (written asynchronously when a client went away). */
export async function ledgerRow(
  gateway: RunningGateway,
  requestId: string,
  waitMs = 5_000,
): Promise<LedgerRow> {
  const deadline = Date.now() + waitMs;
  for (;;) {
    const rows = ledgerRows(gateway, requestId);
    if (rows.length > 1) throw new Error(`${rows.length} ledger rows for ${requestId}`);
    if (rows[0]) return rows[0];
    if (Date.now() > deadline) throw new Error(`no ledger row for ${requestId} after ${waitMs} ms`);
    await sleep(50);
  }
}

/** The value of one Prometheus sample (`name{labels}`), 0 when absent. */
export async function metric(
  gateway: RunningGateway,
  name: string,
  labels: Record<string, string> = {},
): Promise<number> {
  const text = await (await gateway.fetch('/metrics', { key: null })).text();
  let total = 0;
  for (const line of text.split('\n')) {
    if (line.startsWith('#')) continue;
    const match = /^([a-zA-Z_:][\w:]*)(\{[^}]*\})?\s+(\S+)$/.exec(line);
    if (!match || match[1] !== name) continue;
    const found = Object.fromEntries(
      [...(match[2] ?? '').matchAll(/(\w+)="((?:[^"\\]|\\.)*)"/g)].map((m) => [m[1], m[2]]),
    );
    if (Object.entries(labels).every(([k, v]) => found[k] === v)) total += Number(match[3]);
  }
  return total;
}

/** Polls `check` until it holds (a condition, not a timing: the wait only bounds a hang). */
export async function eventually(
  check: () => boolean | Promise<boolean>,
  what: string,
  waitMs = 5_000,
): Promise<void> {
  const deadline = Date.now() + waitMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`still not true after ${waitMs} ms: ${what}`);
    await sleep(25);
  }
}

export const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** The gateway process's resident memory in bytes (Linux). */
export function rssBytes(pid: number): number {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kb = /^VmRSS:\s+(\d+)\s+kB/m.exec(status)?.[1];
  if (kb === undefined) throw new Error('no VmRSS');
  return Number(kb) * 1024;
}

/** `/healthz` answers and an ordinary completion works: the gateway survived the fault. */
export async function assertHealthy(gateway: RunningGateway, model: string): Promise<void> {
  const health = await gateway.fetch('/healthz', { key: null });
  if (health.status !== 200) throw new Error(`/healthz answered ${health.status}`);
  const response = await gateway.fetch('/v1/chat/completions', {
    method: 'POST',
    body: JSON.stringify({ model, messages: [{ role: 'user', content: 'still there?' }] }),
  });
  const text = await response.text();
  if (response.status !== 200) throw new Error(`a normal request got ${response.status}: ${text}`);
}

/** Reads an SSE response to its end and returns its `data:` payloads. */
export async function readEvents(response: Response): Promise<string[]> {
  const text = await response.text();
  return text
    .split('\n\n')
    .map((frame) =>
      frame
        .split('\n')
        .filter((l) => l.startsWith('data:'))
        .map((l) => l.slice(5).trim())
        .join('\n'),
    )
    .filter((data) => data !== '');
}
