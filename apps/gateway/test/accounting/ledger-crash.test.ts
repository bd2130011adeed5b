import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import Database from 'better-sqlite3';
import { afterAll, describe, expect, it } from 'vitest';

const repoRoot = fileURLToPath(new URL('../../../../', import.meta.url));
const dir = mkdtempSync(join(tmpdir(), 'switchyard-crash-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('ledger durability', () => {
  it('keeps exactly one complete row for every request reported done before kill -9', async () => {
    const databasePath = join(dir, 'gateway.db');
    const child = spawn(
      process.execPath,
      [
        '--conditions=@switchyard/source',
        '--import',
        'tsx',
        fileURLToPath(new URL('./ledger-writer-child.ts', import.meta.url)),
        databasePath,
      ],
      { cwd: repoRoot, stdio: ['ignore', 'pipe', 'inherit'] },
    );
    const reported: string[] = [];
    let buffered = '';
    const exited = new Promise<NodeJS.Signals | null>((resolve) =>
      child.on('exit', (_code, signal) => resolve(signal)),
    );
    await new Promise<void>((resolve, reject) => {
      child.on('error', reject);
      child.stdout.on('data', (data: Buffer) => {
        buffered += data.toString();
        const lines = buffered.split('\n');
        buffered = lines.pop() ?? '';
        for (const line of lines) if (line.startsWith('req-')) reported.push(line);
        if (reported.length >= 2000) {
          child.kill('SIGKILL');
          resolve();
        }
      });
      exited.then(() => resolve());
    });
    expect(await exited).toBe('SIGKILL');
    // Lines still in the pipe were also reported before the kill.
    for (const line of buffered.split('\n')) if (line.startsWith('req-')) reported.push(line);

    const db = new Database(databasePath, { readonly: true });
    const rows = db
      .prepare('SELECT request_id, prompt_tokens, completion_tokens, status, deployment FROM ledger')
      .all() as {
      request_id: string;
      prompt_tokens: number;
      completion_tokens: number;
      status: number;
      deployment: string;
    }[];
    db.close();
    const byId = new Map<string, number>();
    for (const r of rows) byId.set(r.request_id, (byId.get(r.request_id) ?? 0) + 1);
    const missing = reported.filter((id) => byId.get(id) !== 1);
    expect(reported.length).toBeGreaterThanOrEqual(2000);
    expect(missing).toEqual([]);
    expect(rows.length).toBe(byId.size); // no duplicates
    for (const r of rows) {
      expect(r).toMatchObject({
        prompt_tokens: 12,
        completion_tokens: 34,
        status: 200,
        deployment: 'simulator/echo',
      });
    }
  }, 60_000);
});
