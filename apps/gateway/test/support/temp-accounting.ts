import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createAccounting } from '../../src/accounting/index.js';

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
