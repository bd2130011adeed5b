import { execFileSync } from 'node:child_process';
import { closeSync, constants, openSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'vitest';
import { type RunningGateway, removeDir, runCli, startGateway, tempDir } from './support/gateway-process.js';

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
// Each test starts a gateway process and runs the CLI: seconds of start-up on a loaded 2-core box.
describe.concurrent('graceful shutdown (SIGTERM)', { timeout: 60_000 }, () => {
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

/**
 * A pipe that nobody reads, already full: a supervisor that went away but holds the read end. The
 * descriptor (read and write end in one) is for the gateway's stdout; close it once it started.
 */
function fullPipe(): { fd: number; dir: string } {
  const dir = tempDir('switchyard-fifo-');
  const path = join(dir, 'stdout');
  execFileSync('mkfifo', [path]);
  const fd = openSync(path, constants.O_RDWR | constants.O_NONBLOCK);
  const block = Buffer.alloc(64 * 1024, 'x');
  try {
    for (;;) writeSync(fd, block);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EAGAIN') throw error;
  }
  return { fd, dir };
}

/**
 * Sends SIGTERM and waits until the gateway stopped accepting (its drain began), so that a second
 * signal is not merged into the first by the kernel.
 */
async function firstSignal(gateway: RunningGateway): Promise<void> {
  gateway.process.kill('SIGTERM');
  while (
    await fetch(`${gateway.url}/healthz`).then(
      () => true,
      () => false,
    )
  )
    await new Promise((r) => setTimeout(r, 10));
}

/** Milliseconds until the process exits, or `'still running'` after `ceilingMs` (then it is killed). */
async function exitTime(gateway: RunningGateway, ceilingMs: number): Promise<number | 'still running'> {
  const started = performance.now();
  const timer = new Promise<'still running'>((resolve) => setTimeout(resolve, ceilingMs, 'still running'));
  const outcome = await Promise.race([gateway.exited, timer]);
  if (outcome === 'still running') {
    gateway.process.kill('SIGKILL');
    return outcome;
  }
  return performance.now() - started;
}

// Two SIGTERMs in a row is what a process group gets from a supervisor when pnpm forwards the
// signal. A stream is in flight for 20 s, so the first SIGTERM would drain for that long.
describe('a second signal', { timeout: 60_000 }, () => {
  it('ends the process at once, even when stdout is a full pipe nobody reads', async ({ expect }) => {
    const pipe = fullPipe();
    const gateway = await startGateway({ stdout: pipe.fd });
    closeSync(pipe.fd);
    const response = await gateway.fetch('/v1/chat/completions', {
      method: 'POST',
      body: slowStream(100, 5),
    });
    const reader = response.body!.getReader();
    await firstChunk(reader);
    await firstSignal(gateway);
    gateway.process.kill('SIGTERM');
    expect(await exitTime(gateway, 15_000)).toBeLessThan(5_000);
    expect(gateway.process.exitCode).toBe(1);
    await rest(reader);
    removeDir(gateway.dataDir);
    removeDir(pipe.dir);
  });

  it('says so in the log when stdout is read, and exits 1 without waiting for the stream', async ({
    expect,
  }) => {
    const gateway = await startGateway();
    const response = await gateway.fetch('/v1/chat/completions', {
      method: 'POST',
      body: slowStream(100, 5),
    });
    const reader = response.body!.getReader();
    await firstChunk(reader);
    await firstSignal(gateway);
    gateway.process.kill('SIGTERM');
    expect(await exitTime(gateway, 15_000)).toBeLessThan(5_000);
    expect(gateway.process.exitCode).toBe(1);
    expect(gateway.stdout()).toContain('"msg":"second signal: exiting without draining"');
    await rest(reader);
    removeDir(gateway.dataDir);
  });

  it('one SIGTERM with stdout a full pipe: drains, then exits 0 within the log flush bound', async ({
    expect,
  }) => {
    const pipe = fullPipe();
    const gateway = await startGateway({ stdout: pipe.fd });
    closeSync(pipe.fd);
    gateway.process.kill('SIGTERM');
    expect(await exitTime(gateway, 25_000)).toBeLessThan(15_000);
    expect(gateway.process.exitCode).toBe(0);
    removeDir(gateway.dataDir);
    removeDir(pipe.dir);
  });
});
