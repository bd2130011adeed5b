import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { once } from 'node:events';
import { Agent, request } from 'node:http';
import { connect, type Socket } from 'node:net';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DATABASE_FILE } from '../src/config/resolve-config.js';
import { onNewConnection } from './support/fresh-connection.js';
import { type RunningGateway, removeDir, runCli, startGateway } from './support/gateway-process.js';
import { MockUpstream } from './support/mock-upstream.js';
import { pool } from './support/pool.js';

const ADMIN_KEY = `sk-sy-${randomBytes(32).toString('base64url')}`;
const PRICES = { 'simulator/echo': { input: 1_000_000, output: 1_000_000 } }; // $1 per token

/** The pids of a process's node children: the cluster's workers (not tsx's esbuild service). */
function childrenOf(pid: number): number[] {
  try {
    return execFileSync('pgrep', ['-P', String(pid), '-x', 'node'], { encoding: 'utf8' })
      .split('\n')
      .filter(Boolean)
      .map(Number);
  } catch {
    return [];
  }
}

describe('switchyard start --workers 2: one port, state shared through the primary (no Redis)', {
  timeout: 60_000,
}, () => {
  let gateway: RunningGateway;
  let upstream: MockUpstream;

  const chat = (key: string, extra: Record<string, unknown> = {}) =>
    onNewConnection(gateway.url, '/v1/chat/completions', {
      key,
      body: { model: 'simulator/echo', messages: [{ role: 'user', content: 'hello there' }], ...extra },
    });

  /** Creates a key through the admin API (on whichever worker takes the connection). */
  async function createKey(body: Record<string, unknown>): Promise<{ secret: string; id: string }> {
    const answer = await onNewConnection(gateway.url, '/admin/keys', { key: ADMIN_KEY, body });
    expect(answer.status, answer.body).toBe(201);
    return JSON.parse(answer.body) as { secret: string; id: string };
  }

  /** Ledger rows of a key, read from the SQLite file every worker writes. */
  function ledger(keyId: string): { request_id: string; cost: number }[] {
    const db = new Database(join(gateway.dataDir, DATABASE_FILE), { readonly: true });
    try {
      return db.prepare('SELECT request_id, cost FROM ledger WHERE key_id = ?').all(keyId) as {
        request_id: string;
        cost: number;
      }[];
    } finally {
      db.close();
    }
  }

  /** The sum of a counter's series (optionally only those whose labels include `match`). */
  async function counter(name: string, match = ''): Promise<number> {
    const text = (await onNewConnection(gateway.url, '/metrics')).body;
    return text
      .split('\n')
      .filter((line) => line.startsWith(`${name}{`) && line.includes(match))
      .reduce((sum, line) => sum + Number(line.split(' ').at(-1)), 0);
  }

  beforeAll(async () => {
    upstream = await new MockUpstream().start();
    upstream.behave('flaky', 'unavailable');
    gateway = await startGateway({
      args: ['--workers', '2'],
      env: { SWITCHYARD_ADMIN_KEY: ADMIN_KEY },
      config: {
        prices: PRICES,
        providers: {
          flaky: {
            type: 'openai-compatible',
            baseURL: upstream.baseURL('flaky'),
            apiKey: 'upstream-key-flaky-0123456789',
            models: ['m'],
          },
          good: {
            type: 'openai-compatible',
            baseURL: upstream.baseURL('good'),
            apiKey: 'upstream-key-good-0123456789',
            models: ['m'],
          },
        },
        models: { 'with-fallback': { deployments: ['flaky/m', 'good/m'] } },
        routing: { retries: 0, breaker: { failureThreshold: 3, cooldownMs: 600_000 } },
      },
    });
  }, 60_000);

  afterAll(async () => {
    await gateway?.stop('SIGKILL');
    await upstream?.close();
    if (gateway) removeDir(gateway.dataDir);
  });

  it('serves with two worker processes behind the primary', () => {
    expect(childrenOf(gateway.process.pid as number)).toHaveLength(2);
    expect(gateway.stdout()).toContain('"workers":2');
  });

  it('admits exactly 60 of 100 requests across both workers for a key limited to 60 per minute', async () => {
    const { secret } = await createKey({ name: 'rpm-60', rpm: 60 });
    const results = await pool(
      Array.from({ length: 100 }, () => () => chat(secret)),
      10,
    );
    const statuses = results.map((r) => r.status);
    expect(statuses.filter((s) => s === 200)).toHaveLength(60);
    expect(statuses.filter((s) => s === 429)).toHaveLength(40);
  });

  it('does not overspend a budget by more than one request, across both workers', async () => {
    const budget = 100;
    const { secret, id } = await createKey({ name: 'budget', budget_usd: budget, budget_period: 'day' });
    const results = await pool(
      Array.from({ length: 60 }, () => () => chat(secret, { max_tokens: 8 })),
      6,
    );
    expect(results.some((r) => r.status === 429)).toBe(true);
    const served = results.filter((r) => r.status === 200).length;
    const rows = ledger(id);
    expect(rows).toHaveLength(served);
    const spent = rows.reduce((sum, r) => sum + r.cost, 0);
    const dearest = Math.max(...rows.map((r) => r.cost));
    expect(served).toBeGreaterThan(0);
    expect(spent).toBeLessThanOrEqual(budget + dearest);
  });

  it('refuses a key on every worker as soon as the admin API revoked it on one, and accepts a new one at once', async () => {
    const statuses: string[] = [];
    for (let i = 0; i < 10; i++) {
      const { id, secret } = await createKey({ name: `k${i}` });
      // Consecutive connections go to the workers in turn: every order of the two is tried.
      const used = [await chat(secret), await chat(secret)].map((r) => r.status).join(',');
      const revoked = await onNewConnection(gateway.url, `/admin/keys/${id}`, {
        key: ADMIN_KEY,
        method: 'DELETE',
      });
      const after = [await chat(secret), await chat(secret)].map((r) => r.status).join(',');
      statuses.push(`${revoked.status} ${used} ${after}`);
    }
    expect(statuses).toEqual(Array(10).fill('200 200,200 401,401'));
  });

  it('writes one ledger row per request, none lost or twice, from both workers', async () => {
    const { secret, id } = await createKey({ name: 'ledger' });
    const results = await pool(
      Array.from({ length: 100 }, () => () => chat(secret)),
      10,
    );
    expect(results.map((r) => r.status)).toEqual(Array(100).fill(200));
    const rows = ledger(id);
    expect(rows).toHaveLength(100);
    expect(new Set(rows.map((r) => r.request_id)).size).toBe(100);
  });

  it('answers /metrics with the sum over both workers, whichever answers', async () => {
    const { secret } = await createKey({ name: 'metrics' });
    const before = await counter('switchyard_requests_total');
    await pool(
      Array.from({ length: 20 }, () => () => chat(secret)),
      4,
    );
    const seen = await Promise.all(Array.from({ length: 4 }, () => counter('switchyard_requests_total')));
    expect(seen).toEqual(Array(4).fill(before + 20));
  });

  it('opens a breaker on every worker once one worker saw it fail', async () => {
    const ask = () =>
      onNewConnection(gateway.url, '/v1/chat/completions', {
        key: ADMIN_KEY,
        body: { model: 'with-fallback', messages: [{ role: 'user', content: 'hi' }] },
      });
    // Consecutive connections go to the workers in turn: A, B, A, B, A. A has seen 3 failures in a
    // row and opened the breaker; B has seen 2.
    for (let i = 0; i < 5; i++) expect((await ask()).status).toBe(200);
    expect(upstream.hits('flaky')).toBe(5);
    // The other worker, below its own threshold, hears it from the primary: every /readyz (the
    // connections go to the workers in turn) says open. Alone, it would stay closed.
    const readyzState = async () => {
      const ready = JSON.parse((await onNewConnection(gateway.url, '/readyz')).body) as {
        deployments: { deployment: string; state: string }[];
      };
      return ready.deployments.find((d) => d.deployment === 'flaky/m')?.state;
    };
    await expect
      .poll(
        async () => [await readyzState(), await readyzState(), await readyzState(), await readyzState()],
        {
          timeout: 5_000,
        },
      )
      .toEqual(Array(4).fill('open'));
    // And no worker calls the failing upstream any more.
    const hits = upstream.hits('flaky');
    for (let i = 0; i < 10; i++) expect((await ask()).status).toBe(200);
    expect(upstream.hits('flaky')).toBe(hits);
  });

  it('answers 503 within the bound, never hangs, when the primary does not answer', async () => {
    const { secret } = await createKey({ name: 'stalled-primary', rpm: 1_000 });
    // One kept-alive connection: it stays with its worker while the primary is stopped.
    const agent = new Agent({ keepAlive: true, maxSockets: 1 });
    const ask = () =>
      new Promise<{ status: number; body: string; ms: number }>((resolve, reject) => {
        const started = performance.now();
        const req = request(
          `${gateway.url}/v1/chat/completions`,
          {
            agent,
            method: 'POST',
            headers: { authorization: `Bearer ${secret}`, 'content-type': 'application/json' },
          },
          (res) => {
            let body = '';
            res.setEncoding('utf8').on('data', (chunk: string) => {
              body += chunk;
            });
            res.on('end', () =>
              resolve({ status: res.statusCode ?? 0, body, ms: performance.now() - started }),
            );
          },
        );
        req.on('error', reject);
        req.end(JSON.stringify({ model: 'simulator/echo', messages: [{ role: 'user', content: 'hi' }] }));
      });
    try {
      expect((await ask()).status).toBe(200);
      gateway.process.kill('SIGSTOP');
      let stalled: Awaited<ReturnType<typeof ask>>;
      try {
        stalled = await ask();
      } finally {
        gateway.process.kill('SIGCONT');
      }
      expect(stalled.status).toBe(503);
      expect(JSON.parse(stalled.body).error.message).toBe(
        'Rate limits are unavailable right now; retry shortly.',
      );
      // The bound is 2 s (checked every 250 ms).
      expect(stalled.ms).toBeLessThan(4_000);
      expect((await ask()).status).toBe(200);
    } finally {
      agent.destroy();
    }
  });

  it('replaces a worker that crashed, and keeps the limits it counted', async () => {
    const { secret } = await createKey({ name: 'crash', rpm: 10 });
    const first = await pool(
      Array.from({ length: 6 }, () => () => chat(secret)),
      2,
    );
    expect(first.map((r) => r.status)).toEqual(Array(6).fill(200));
    const primary = gateway.process.pid as number;
    const [victim] = childrenOf(primary);
    process.kill(victim as number, 'SIGKILL');
    await expect
      .poll(() => gateway.stdout().includes('"msg":"worker exited: replacing it"'), { timeout: 5_000 })
      .toBe(true);
    await expect
      .poll(() => gateway.stdout().includes('"msg":"worker replaced"'), { timeout: 15_000 })
      .toBe(true);
    expect(childrenOf(primary).filter((pid) => pid !== victim)).toHaveLength(2);
    // The replacement serves (every connection answered), and the primary still counts the 6.
    const after = await pool(
      Array.from({ length: 8 }, () => () => chat(secret)),
      2,
    );
    expect(after.map((r) => r.status).sort()).toEqual([...Array(4).fill(200), ...Array(4).fill(429)]);
  });

  it('drains every worker on SIGTERM: streams in flight complete, new connections are refused, exit 0', async () => {
    const body = JSON.stringify({
      model: 'simulator/babble',
      stream: true,
      messages: [{ role: 'user', content: '[simulate:words=30] [simulate:tps=30] talk' }],
    });
    const { port, hostname } = new URL(gateway.url);
    const streams: { socket: Socket; text: () => string }[] = [];
    // Two connections: one on each worker.
    for (let i = 0; i < 2; i++) {
      const socket = connect(Number(port), hostname);
      await once(socket, 'connect');
      let text = '';
      socket.setEncoding('utf8').on('data', (chunk: string) => {
        text += chunk;
      });
      socket.on('error', () => undefined);
      socket.write(
        `POST /v1/chat/completions HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer ${ADMIN_KEY}\r\nConnection: close\r\n` +
          `Content-Type: application/json\r\nContent-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`,
      );
      streams.push({ socket, text: () => text });
    }
    await expect
      .poll(() => streams.every((s) => s.text().includes('chat.completion.chunk')), { timeout: 10_000 })
      .toBe(true);
    gateway.process.kill('SIGTERM');
    await expect
      .poll(() => gateway.stdout().split('"msg":"draining"').length - 1, { timeout: 10_000, interval: 20 })
      .toBe(2);
    const refused = await onNewConnection(gateway.url, '/healthz');
    expect(await gateway.exited, gateway.stderr()).toBe(0);
    for (const stream of streams) expect(stream.text()).toContain('data: [DONE]');
    // Refused while draining: no worker takes new connections (or, if one raced in, a 503).
    expect([0, 503]).toContain(refused.status);
  });
});

it('refuses --workers 0 and --workers x with the expected values', async () => {
  for (const value of ['0', 'x']) {
    const result = await runCli(['start', '--workers', value]);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain(`--workers: expected a positive integer or "auto", got "${value}"`);
  }
});
