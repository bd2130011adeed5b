// Cost of settling one request (admit + finish: limits, budget, its SQLite ledger row committed,
// metrics), with requests finishing in groups as on a loaded server (rows of one event-loop turn
// share a transaction). Run: pnpm --filter @switchyard/gateway bench:ledger [group size, default 16]
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createAccounting } from '../src/accounting/index.js';

const dir = mkdtempSync(join(tmpdir(), 'switchyard-ledger-bench-'));
const accounting = createAccounting({ databasePath: join(dir, 'gateway.db') });
const principal = accounting.authenticate(
  accounting.createKey({ name: 'bench', rpm: 10_000_000, tpm: 1_000_000_000, budgetUsd: 1e9 }).secret,
);
const usage = { prompt_tokens: 120, completion_tokens: 40, total_tokens: 160 };

const group = Number(process.argv[2] ?? 16);

function settle(i: number): Promise<void> {
  const a = accounting.admit(principal, {
    model: 'gpt-4o-mini',
    requestId: `r${i}`,
    estimatedPromptTokens: 120,
  });
  return accounting.finish(a, {
    model: 'gpt-4o-mini',
    deployment: 'openai/gpt-4o-mini',
    status: 200,
    errorCode: null,
    usage,
    latencyMs: 10,
    ttftMs: 2,
  }).committed;
}

async function run(from: number, n: number): Promise<void> {
  for (let i = 0; i < n; i += group) {
    const turn: Promise<void>[] = [];
    for (let j = 0; j < group; j++) turn.push(settle(from + i + j));
    await Promise.all(turn);
  }
}

await run(0, 2000); // warm-up
const rounds: number[] = [];
for (let r = 0; r < 5; r++) {
  const n = 10_000;
  const t0 = process.hrtime.bigint();
  await run(r * n + 2000, n);
  rounds.push(Number(process.hrtime.bigint() - t0) / 1000 / n);
}
rounds.sort((a, b) => a - b);
console.log(`admit + finish, committed, ${group} requests per event-loop turn: µs per request`);
console.log(
  `median ${rounds[2]?.toFixed(1)}  min ${rounds[0]?.toFixed(1)}  max ${rounds[4]?.toFixed(1)}  (5 rounds × 10,000)`,
);
accounting.close();
rmSync(dir, { recursive: true, force: true });
