import { randomBytes } from 'node:crypto';
import { Redis } from 'ioredis';
import { afterEach, describe, expect, it } from 'vitest';
import { services, skipNote, skipWithout } from '../../test/support/services.js';
import { TcpRelay } from '../../test/support/tcp-relay.js';
import type { Breaker, BreakerState } from './circuit-breaker.js';
import { SharedBreakers, type SharedBreakersLogger } from './shared-breakers.js';

const skip = skipWithout('redis');
const POLL = { timeout: 10_000, interval: 5 };

/** Records what the registry logs. */
function recordingLogger() {
  const lines: string[] = [];
  const logger: SharedBreakersLogger = {
    warn: (fields, message) => lines.push(`warn ${message} ${JSON.stringify(fields)}`),
    info: (fields, message) => lines.push(`info ${message} ${JSON.stringify(fields)}`),
  };
  return { logger, lines };
}

describe.skipIf(skip)(`circuit breakers shared through Redis${skipNote('redis')}`, () => {
  const cleanups: (() => unknown)[] = [];
  afterEach(async () => {
    for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
  });

  /** Gateway instances on one Redis, with a fresh key prefix per test. */
  function fleet(options: { probeLeaseMs?: number } = {}) {
    const prefix = `test-${randomBytes(4).toString('hex')}:`;
    cleanups.push(async () => {
      const redis = new Redis(services.redisUrl as string);
      const keys = await redis.keys(`${prefix}*`);
      if (keys.length) await redis.del(...keys);
      redis.disconnect();
    });
    return async (url = services.redisUrl as string) => {
      const untracked: [string, BreakerState][] = [];
      const { logger, lines } = recordingLogger();
      const registry = new SharedBreakers({
        url,
        prefix,
        logger,
        probeLeaseMs: options.probeLeaseMs ?? 1_000,
        onUntracked: (id, state) => untracked.push([id, state]),
      });
      cleanups.push(() => registry.close());
      await registry.ready;
      return { registry, untracked, lines };
    };
  }

  function breakerOf(registry: SharedBreakers, options: { threshold?: number; cooldownMs?: number } = {}) {
    const changes: BreakerState[] = [];
    const breaker = registry.breaker('provider/model', {
      failureThreshold: options.threshold ?? 3,
      cooldownMs: options.cooldownMs ?? 60_000,
      maxCooldownMs: 10_000_000,
      onStateChange: (state) => changes.push(state),
    });
    return { breaker, changes };
  }

  /** Polls a breaker's `allow()` until it grants the half-open probe. */
  async function probeOn(breaker: Breaker): Promise<void> {
    await expect.poll(() => breaker.allow(), POLL).toBe(true);
  }

  function failUntilOpen(breaker: Breaker, times: number): void {
    for (let i = 0; i < times; i++) {
      expect(breaker.allow()).toBe(true);
      breaker.failure();
    }
    expect(breaker.state).toBe('open');
  }

  it('stops every instance once one has opened the breaker, and a later instance starts with it open', async () => {
    const start = fleet();
    const [a, b] = await Promise.all([start(), start()]);
    expect(a.registry.shared && b.registry.shared).toBe(true);
    const onA = breakerOf(a.registry);
    const onB = breakerOf(b.registry);
    expect(onB.breaker.allow()).toBe(true);
    onB.breaker.success();

    failUntilOpen(onA.breaker, 3);
    await expect.poll(() => onB.breaker.state, POLL).toBe('open');
    expect(onB.breaker.allow()).toBe(false);
    expect(onB.breaker.retryAfterMs).toBeGreaterThan(50_000);
    // The metric hook (onStateChange) saw the remote transition.
    expect(onB.changes).toEqual(['open']);

    // An instance started later loads it, reports it for the metrics before routing to it, and
    // refuses from its first request on.
    const c = await start();
    expect(c.untracked).toEqual([['provider/model', 'open']]);
    const onC = breakerOf(c.registry);
    expect(onC.breaker.state).toBe('open');
    expect(onC.breaker.allow()).toBe(false);
    expect(onC.changes).toEqual(['open']);
  });

  it('lets exactly one instance probe in half-open', async () => {
    // Renewed every 2/3 s: a lapse (and a second, legitimate probe) would need a 1.3 s stall.
    const start = fleet({ probeLeaseMs: 2_000 });
    const [a, b] = await Promise.all([start(), start()]);
    const onA = breakerOf(a.registry, { cooldownMs: 100 });
    const onB = breakerOf(b.registry, { cooldownMs: 100 });
    failUntilOpen(onA.breaker, 3);
    await expect.poll(() => onB.breaker.state, POLL).not.toBe('closed');
    await expect.poll(() => onA.breaker.state === 'half_open' && onB.breaker.state, POLL).toBe('half_open');

    // Both ask, again and again, as concurrent traffic would.
    const granted: string[] = [];
    await expect
      .poll(() => {
        if (onA.breaker.allow()) granted.push('a');
        if (onB.breaker.allow()) granted.push('b');
        return granted.length;
      }, POLL)
      .toBeGreaterThan(0);
    // Keep asking on both while the probe runs, for several claim retries and lease renewals.
    const until = Date.now() + 1_500;
    while (Date.now() < until) {
      if (onA.breaker.allow()) granted.push('a');
      if (onB.breaker.allow()) granted.push('b');
      await new Promise((resolve) => setTimeout(resolve, 5));
    }
    expect(granted).toHaveLength(1);
  });

  it('closes the breaker everywhere when the probe on another instance succeeds', async () => {
    const start = fleet();
    const [a, b] = await Promise.all([start(), start()]);
    const onA = breakerOf(a.registry, { cooldownMs: 100 });
    const onB = breakerOf(b.registry, { cooldownMs: 100 });
    failUntilOpen(onA.breaker, 3);
    await expect.poll(() => onB.breaker.state, POLL).not.toBe('closed');

    await probeOn(onB.breaker);
    onB.breaker.success();
    expect(onB.breaker.state).toBe('closed');
    await expect.poll(() => onA.breaker.state, POLL).toBe('closed');
    expect(onA.breaker.allow()).toBe(true);
    expect(onA.changes).toEqual(['open', 'closed']);
  });

  it('reopens everywhere with the doubled cooldown when the probe fails, and doubles again from there', async () => {
    const start = fleet();
    const [a, b] = await Promise.all([start(), start()]);
    const onA = breakerOf(a.registry, { cooldownMs: 500 });
    const onB = breakerOf(b.registry, { cooldownMs: 500 });
    failUntilOpen(onA.breaker, 3);
    await expect.poll(() => onB.breaker.state, POLL).not.toBe('closed');
    /** When an open breaker lets a probe through again, as a point in time (0 when not open). */
    const openUntil = (breaker: Breaker) =>
      breaker.state === 'open' ? Date.now() + breaker.retryAfterMs : 0;
    // Compared as points in time, not as time left: a slow poll on a loaded machine cannot shrink them.
    const SLACK = 250;

    await probeOn(onB.breaker);
    const bFailed = Date.now();
    onB.breaker.failure();
    expect(openUntil(onB.breaker) - bFailed).toBeGreaterThan(1_000 - SLACK);
    // A learns the new open period: the doubled cooldown (1 s), not the first (0.5 s).
    await expect.poll(() => openUntil(onA.breaker) - bFailed, POLL).toBeGreaterThan(500 + SLACK);
    expect(openUntil(onA.breaker) - bFailed).toBeLessThanOrEqual(1_000 + SLACK);

    // A's probe fails this time: 2 s on both.
    await probeOn(onA.breaker);
    const aFailed = Date.now();
    onA.breaker.failure();
    expect(openUntil(onA.breaker) - aFailed).toBeGreaterThan(2_000 - SLACK);
    await expect.poll(() => openUntil(onB.breaker) - aFailed, POLL).toBeGreaterThan(1_000 + SLACK);
    expect(openUntil(onB.breaker) - aFailed).toBeLessThanOrEqual(2_000 + SLACK);
  });

  it('gives the probe to another instance once a crashed holder’s lease lapses', async () => {
    const start = fleet({ probeLeaseMs: 300 });
    const [a, b] = await Promise.all([start(), start()]);
    const onA = breakerOf(a.registry, { cooldownMs: 100 });
    const onB = breakerOf(b.registry, { cooldownMs: 100 });
    failUntilOpen(onA.breaker, 3);
    await expect.poll(() => onB.breaker.state, POLL).not.toBe('closed');
    await probeOn(onA.breaker);
    // A dies with its probe running: no renewal, no release.
    a.registry.close();
    await probeOn(onB.breaker);
    onB.breaker.success();
    expect(onB.breaker.state).toBe('closed');
  });

  it('decides locally when Redis is unreachable from the start, and logs that once without the URL', async () => {
    const start = fleet();
    const { registry, lines } = await start('redis://:hunter2-secret@127.0.0.1:1');
    expect(registry.shared).toBe(false);
    const { breaker, changes } = breakerOf(registry, { threshold: 2, cooldownMs: 50 });
    failUntilOpen(breaker, 2);
    await expect.poll(() => breaker.state, POLL).toBe('half_open');
    expect(breaker.allow()).toBe(true);
    expect(breaker.allow()).toBe(false);
    breaker.success();
    expect(breaker.allow()).toBe(true);
    expect(changes).toEqual(['open', 'half_open', 'closed']);
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/^warn circuit breakers not shared: Redis unreachable/);
    expect(lines.join('\n')).not.toContain('hunter2');
  });

  it('falls back to local decisions when Redis goes away, and shares again once it is back', async () => {
    const start = fleet();
    const relay = await new TcpRelay(services.redisUrl as string).start();
    cleanups.push(() => relay.cut());
    const a = await start(`redis://127.0.0.1:${relay.port}`);
    const b = await start();
    expect(a.registry.shared).toBe(true);
    const onA = breakerOf(a.registry, { threshold: 2, cooldownMs: 100 });
    const onB = breakerOf(b.registry, { threshold: 2, cooldownMs: 100 });

    await relay.cut();
    await expect.poll(() => a.registry.shared, POLL).toBe(false);
    // Alone, A still opens, half-opens and probes by itself.
    failUntilOpen(onA.breaker, 2);
    await probeOn(onA.breaker);
    onA.breaker.success();
    expect(onA.breaker.state).toBe('closed');
    expect(a.lines).toEqual([expect.stringMatching(/^warn circuit breakers not shared/)]);

    await relay.start();
    await expect.poll(() => a.registry.shared, POLL).toBe(true);
    expect(a.lines.at(-1)).toMatch(/^info circuit breakers shared through Redis again/);
    failUntilOpen(onB.breaker, 2);
    await expect.poll(() => onA.breaker.state, POLL).not.toBe('closed');
  });
});
