// Spawned by ledger-crash.test.ts: serves "requests" as fast as it can, settling each through the
// accounting (one ledger row) and reporting its id on stdout once the row is committed, as a
// response's last bytes wait for the commit.
import { createAccounting } from '../../src/accounting/index.js';

const databasePath = process.argv[2] as string;
const accounting = createAccounting({ databasePath });
const principal = accounting.authenticate(accounting.createKey({ name: 'load' }).secret);
let n = 0;

function serveBatch(): void {
  for (let i = 0; i < 20; i++) {
    const requestId = `req-${process.pid}-${n++}`;
    const admission = accounting.admit(principal, {
      model: 'simulator/echo',
      requestId,
      estimatedPromptTokens: 12,
    });
    const { committed } = accounting.finish(admission, {
      model: 'simulator/echo',
      deployment: 'simulator/echo',
      status: 200,
      errorCode: null,
      usage: { prompt_tokens: 12, completion_tokens: 34, total_tokens: 46 },
      latencyMs: 1.5,
      ttftMs: 0.5,
    });
    void committed.then(() => process.stdout.write(`${requestId}\n`));
  }
  setImmediate(serveBatch);
}
process.stdout.write('ready\n');
serveBatch();
