import { randomBytes } from 'node:crypto';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type RunningGateway, removeDir, startGateway } from './support/gateway-process.js';
import { MockUpstream } from './support/mock-upstream.js';
import { services, skipNote, skipWithout } from './support/services.js';

const skip = skipWithout('redis');

describe.skipIf(skip)(
  `gateway instances sharing circuit breakers through Redis${skipNote('redis')}`,
  // Three gateway processes on a shared CI machine: generous bounds; every test still ends by itself.
  { timeout: 60_000 },
  () => {
    let upstream: MockUpstream;
    const gateways = new Map<string, RunningGateway>();
    // The gateways use the default key prefix: a deployment name of its own keeps this run apart
    // from other runs on the same Redis.
    const flaky = `flaky-${randomBytes(4).toString('hex')}`;
    const deployment = `${flaky}/m`;

    /**
     * A gateway whose failing provider has its own path on the mock upstream (`<flaky>-<name>`), so
     * that the test sees which instance called it; `good` is the fallback.
     */
    async function start(name: string): Promise<RunningGateway> {
      const gateway = await startGateway({
        env: { SWITCHYARD_REDIS_URL: services.redisUrl },
        config: {
          providers: {
            [flaky]: {
              type: 'openai-compatible',
              baseURL: upstream.baseURL(`${flaky}-${name}`),
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
          models: { 'with-fallback': { deployments: [deployment, 'good/m'] } },
          routing: { retries: 0, breaker: { failureThreshold: 3, cooldownMs: 600_000 } },
        },
      });
      gateways.set(name, gateway);
      return gateway;
    }

    const flakyHits = (name: string) => upstream.hits(`${flaky}-${name}`);

    async function ask(gateway: RunningGateway): Promise<string | null> {
      const response = await gateway.fetch('/v1/chat/completions', {
        method: 'POST',
        body: JSON.stringify({ model: 'with-fallback', messages: [{ role: 'user', content: 'hi' }] }),
      });
      expect(response.status).toBe(200);
      await response.text();
      return response.headers.get('x-switchyard-deployment');
    }

    async function breakerMetric(gateway: RunningGateway): Promise<string | undefined> {
      const metrics = await (await gateway.fetch('/metrics', { key: null })).text();
      const line = metrics
        .split('\n')
        .find((l) => l.startsWith(`switchyard_circuit_breaker_state{deployment="${deployment}"}`));
      return line?.split(' ').at(-1);
    }

    beforeAll(async () => {
      upstream = await new MockUpstream().start();
      for (const name of ['a', 'b', 'c']) upstream.behave(`${flaky}-${name}`, 'unavailable');
      await Promise.all([start('a'), start('b')]);
    }, 60_000);

    afterAll(async () => {
      await Promise.all([...gateways.values()].map((g) => g.stop()));
      for (const g of gateways.values()) removeDir(g.dataDir);
      await upstream?.close();
      const redis = new Redis(services.redisUrl as string);
      await redis.hdel('switchyard:{breakers}:open', deployment);
      redis.disconnect();
    });

    it('sends B straight to the fallback once A has opened the breaker, and a new instance starts with it open', async () => {
      const a = gateways.get('a') as RunningGateway;
      const b = gateways.get('b') as RunningGateway;
      // B has tried the failing deployment once itself (below its own threshold).
      expect(await ask(b)).toBe('good/m');
      expect(flakyHits('b')).toBe(1);

      for (let i = 0; i < 3; i++) expect(await ask(a)).toBe('good/m');
      expect(flakyHits('a')).toBe(3);
      expect(await breakerMetric(a)).toBe('1');

      // B hears it (its metric shows it) and stops calling the failing upstream.
      await expect.poll(() => breakerMetric(b), { timeout: 10_000, interval: 20 }).toBe('1');
      for (let i = 0; i < 5; i++) expect(await ask(b)).toBe('good/m');
      expect(flakyHits('b')).toBe(1);
      const ready = (await (await b.fetch('/readyz', { key: null })).json()) as {
        deployments: { deployment: string; state: string }[];
      };
      expect(ready.deployments).toContainEqual(expect.objectContaining({ deployment, state: 'open' }));

      // An instance started now loads the open breaker: it never calls the failing upstream.
      const c = await start('c');
      expect(await breakerMetric(c)).toBe('1');
      for (let i = 0; i < 3; i++) expect(await ask(c)).toBe('good/m');
      expect(flakyHits('c')).toBe(0);
    });
  },
);
