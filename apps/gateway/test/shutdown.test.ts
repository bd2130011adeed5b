import { describe, it } from 'vitest';
import { removeDir, runCli, startGateway } from './helpers/gateway-process.js';

const slowStream = (words: number, tps: number) =>
  JSON.stringify({
    model: 'simulator/babble',
    stream: true,
    messages: [{ role: 'user', content: `[simulate:words=${words}] [simulate:tps=${tps}] talk` }],
  });

async function firstChunk(reader: ReadableStreamDefaultReader<Uint8Array>): Promise<string> {
  const { value } = await reader.read();
  return new TextDecoder().decode(value);
}

async function rest(reader: ReadableStreamDefaultReader<Uint8Array>): Promise<string> {
  const decoder = new TextDecoder();
  let text = '';
  for (;;) {
    const { value, done } = await reader.read().catch(() => ({ value: undefined, done: true as const }));
    if (done) return text;
    text += decoder.decode(value, { stream: true });
  }
}

async function usageTotals(dataDir: string): Promise<{
  requests: number;
  errors: number;
  groups: { key: string; requests: number }[];
}> {
  const result = await runCli(['usage', '--json', '--group-by', 'status', '--data-dir', dataDir]);
  if (result.code !== 0) throw new Error(`switchyard usage failed: ${result.stderr}`);
  const report = JSON.parse(result.stdout) as {
    totals: { requests: number; errors: number };
    groups: { key: string; requests: number }[];
  };
  return { ...report.totals, groups: report.groups };
}

// The two gateways are independent processes: run them side by side.
describe.concurrent('graceful shutdown (SIGTERM)', () => {
  it('stops accepting, lets an in-flight stream finish, writes its ledger row, closes the database, exits 0', async ({
    expect,
  }) => {
    const gateway = await startGateway();
    const response = await gateway.fetch('/v1/chat/completions', {
      method: 'POST',
      body: slowStream(40, 40),
    });
    const reader = response.body!.getReader();
    expect(await firstChunk(reader)).toContain('chat.completion.chunk');
    gateway.process.kill('SIGTERM');
    while (!gateway.stdout().includes('"msg":"draining"')) await new Promise((r) => setTimeout(r, 10));
    const refused = await fetch(`${gateway.url}/healthz`).then(
      (r) => r.status,
      () => 'refused',
    );
    expect(refused).toBe('refused');
    const tail = await rest(reader);
    expect(tail.endsWith('data: [DONE]\n\n')).toBe(true);
    expect(await gateway.exited, gateway.stderr()).toBe(0);
    expect(gateway.stdout()).toContain('"msg":"stopped"');
    expect((await usageTotals(gateway.dataDir)).groups).toEqual([
      expect.objectContaining({ key: '200', requests: 1 }),
    ]);
    removeDir(gateway.dataDir);
  });

  it('cuts streams still running at the deadline, and still records them before closing the database', async ({
    expect,
  }) => {
    const gateway = await startGateway({ config: { server: { shutdownTimeoutMs: 200 } } });
    const response = await gateway.fetch('/v1/chat/completions', {
      method: 'POST',
      body: slowStream(500, 5),
    });
    const reader = response.body!.getReader();
    await firstChunk(reader);
    expect(await gateway.stop('SIGTERM')).toBe(0);
    const tail = await rest(reader);
    expect(tail).not.toContain('[DONE]');
    expect(gateway.stdout()).toContain('shutdown deadline passed');
    expect(gateway.stdout()).not.toContain('unwritten ledger rows');
    expect((await usageTotals(gateway.dataDir)).groups).toEqual([
      expect.objectContaining({ key: '499', requests: 1 }),
    ]);
    removeDir(gateway.dataDir);
  });
});
