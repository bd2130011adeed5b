import { once } from 'node:events';
import { createServer, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { LoadShedder, type LoadShedderOptions, type OverloadCause } from './load-shedder.js';

let shedder: LoadShedder | undefined;
let server: Server | undefined;
afterEach(async () => {
  shedder?.close();
  shedder = undefined;
  server?.closeAllConnections();
  server?.close();
  server = undefined;
});

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Keeps the event loop busy for `ms`: its mean delay over the next sample is far past 50 ms. */
function blockLoop(ms: number): void {
  const end = performance.now() + ms;
  while (performance.now() < end) {
    // busy
  }
}

/** A server that holds every admitted request until `release()`, behind a shedder. */
async function heldServer(options: LoadShedderOptions) {
  const held: ServerResponse[] = [];
  const refused: OverloadCause[] = [];
  const current = new LoadShedder({ ...options, onRefused: (cause) => refused.push(cause) });
  shedder = current;
  server = createServer((req, res) => {
    if (current.admit(req, res)) held.push(res);
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    held,
    refused,
    post: (path = '/v1/chat/completions', signal?: AbortSignal) =>
      fetch(`${base}${path}`, { method: 'POST', body: '{}', ...(signal ? { signal } : {}) }),
    release: () => held.shift()?.end('done'),
  };
}

describe('LoadShedder', () => {
  it('refuses model API requests past maxInFlight with 503 overloaded and retry-after, until one ends', async () => {
    const s = await heldServer({ maxInFlight: 2, maxEventLoopDelayMs: 10_000, maxEventLoopUtilization: 1 });
    const admitted = [s.post(), s.post()];
    await expect.poll(() => s.held.length).toBe(2);
    const refusal = await s.post();
    expect(refusal.status).toBe(503);
    expect(refusal.headers.get('retry-after')).toBe('1');
    expect(await refusal.json()).toMatchObject({ error: { code: 'overloaded', type: 'server_error' } });
    expect(s.refused).toEqual(['in_flight']);
    // Health checks, metrics and admin routes are never refused, nor counted.
    const health = s.post('/healthz');
    await expect.poll(() => s.held.length).toBe(3);
    s.release();
    s.release();
    expect((await Promise.all(admitted)).map((r) => r.status)).toEqual([200, 200]);
    await expect.poll(() => shedder?.inFlight).toBe(0);
    const next = s.post();
    await expect.poll(() => s.held.length).toBe(2);
    s.release();
    s.release();
    expect((await health).status).toBe(200);
    expect((await next).status).toBe(200);
  });

  it('counts a request whose client went away as no longer in flight', async () => {
    const s = await heldServer({ maxInFlight: 1, maxEventLoopDelayMs: 10_000, maxEventLoopUtilization: 1 });
    const gone = new AbortController();
    const abandoned = s.post('/v1/chat/completions', gone.signal).catch(() => undefined);
    await expect.poll(() => shedder?.inFlight).toBe(1);
    gone.abort();
    await abandoned;
    await expect.poll(() => shedder?.inFlight).toBe(0);
  });

  it('refuses while the event loop lags past maxEventLoopDelayMs with a tenth of maxInFlight in flight, and admits again once it keeps pace', async () => {
    const s = await heldServer({
      maxInFlight: 20,
      maxEventLoopDelayMs: 50,
      maxEventLoopUtilization: 1,
      sampleMs: 100,
    });
    const first = s.post();
    await expect.poll(() => s.held.length).toBe(1);
    blockLoop(400);
    // One in flight, under a tenth of 20: the lag is not this load's, and nothing is refused.
    const seen = new Set<OverloadCause | undefined>();
    for (const end = performance.now() + 1_000; performance.now() < end; ) {
      seen.add(shedder?.overloaded());
      await sleep(10);
    }
    expect([...seen]).toEqual([undefined]);
    const second = s.post();
    await expect.poll(() => s.held.length).toBe(2);
    blockLoop(400);
    await expect.poll(() => shedder?.overloaded(), { timeout: 2_000 }).toBe('event_loop_delay');
    await expect.poll(() => shedder?.overloaded(), { timeout: 5_000 }).toBeUndefined();
    s.release();
    s.release();
    expect((await Promise.all([first, second])).map((r) => r.status)).toEqual([200, 200]);
  });

  it('refuses while the event loop works nearly all the time (maxEventLoopUtilization) without lagging, and admits again once it idles', async () => {
    const s = await heldServer({
      maxInFlight: 20,
      maxEventLoopDelayMs: 10_000,
      maxEventLoopUtilization: 0.6,
      sampleMs: 100,
    });
    const admitted = [s.post(), s.post()];
    await expect.poll(() => s.held.length).toBe(2);
    expect(shedder?.overloaded()).toBeUndefined();
    // Busy 30 ms out of every ~32: a loop that still turns (no lag near 10 s) but never idles.
    const seen = new Set<OverloadCause | undefined>();
    for (const end = performance.now() + 600; performance.now() < end; ) {
      blockLoop(30);
      await sleep(1);
      seen.add(shedder?.overloaded());
    }
    expect(seen).toContain('event_loop_utilization');
    expect(seen).not.toContain('event_loop_delay');
    const refusal = await s.post();
    expect(refusal.status).toBe(503);
    expect(await refusal.json()).toMatchObject({
      error: { code: 'overloaded', message: expect.stringMatching(/busy/) },
    });
    expect(s.refused).toContain('event_loop_utilization');
    await expect.poll(() => shedder?.overloaded(), { timeout: 2_000 }).toBeUndefined();
    s.release();
    s.release();
    expect((await Promise.all(admitted)).map((r) => r.status)).toEqual([200, 200]);
  });

  it('cuts what it lets in to 90 % of what was in flight while the loop is busy, and raises it 5 % a sample once it idles, not all at once', async () => {
    const s = await heldServer({
      maxInFlight: 100,
      maxEventLoopDelayMs: 10_000,
      maxEventLoopUtilization: 0.5,
      sampleMs: 100,
    });
    // Busy with less than a tenth in flight (start-up, a GC): not this load's doing, no cut.
    const first = s.post();
    await expect.poll(() => s.held.length).toBe(1);
    for (const end = performance.now() + 300; performance.now() < end; ) {
      blockLoop(30);
      await sleep(1);
    }
    expect(shedder?.limit).toBe(100);
    const admitted = [first, ...Array.from({ length: 29 }, () => s.post())];
    await expect.poll(() => s.held.length).toBe(30);
    expect(shedder?.limit).toBe(100);
    for (const end = performance.now() + 400; performance.now() < end; ) {
      blockLoop(30);
      await sleep(1);
    }
    // 90 % of the 30 in flight (or less, if more busy samples came): no new request gets in.
    expect(shedder?.limit).toBeLessThanOrEqual(27);
    expect(shedder?.overloaded()).toBe('event_loop_utilization');
    expect((await s.post()).status).toBe(503);
    // Idle: the limit climbs back 5 % a sample, never in one step, and reaches maxInFlight.
    const seen: number[] = [];
    await expect
      .poll(
        () => {
          seen.push(shedder?.limit ?? 0);
          return shedder?.limit;
        },
        { timeout: 5_000, interval: 20 },
      )
      .toBe(100);
    const steps = seen.filter((limit, i) => i > 0 && limit !== seen[i - 1]);
    expect(steps.length).toBeGreaterThan(5);
    for (let i = 0; i < 30; i++) s.release();
    expect((await Promise.all(admitted)).every((r) => r.status === 200)).toBe(true);
  });
});
