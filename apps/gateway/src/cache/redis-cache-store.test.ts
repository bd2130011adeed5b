import { randomUUID } from 'node:crypto';
import { once } from 'node:events';
import { createServer } from 'node:net';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MockUpstream } from '../../test/support/mock-upstream.js';
import { services, skipNote, skipWithout } from '../../test/support/services.js';
import { readStream, startTestGateway, type TestGateway } from '../../test/support/test-gateway.js';
import { REDIS_KEY_PREFIX } from './redis-cache-store.js';

let upstream: MockUpstream;

beforeAll(async () => {
  upstream = await new MockUpstream().start();
});
afterAll(() => upstream?.close());

const config = (redisUrl: string) => ({
  providers: {
    shared: {
      type: 'openai-compatible',
      baseURL: upstream.baseURL('shared'),
      apiKey: 'k-0123456789',
      models: ['m'],
    },
  },
  models: { smart: { deployments: ['shared/m'] } },
  redis: { url: redisUrl },
  // Key ids belong to a key store: instances share `scope: key` entries when they share PostgreSQL.
  cache: { enabled: true, scope: 'global', ttlSeconds: 60 },
});

const fresh = (extra: Record<string, unknown> = {}) => ({
  model: 'smart',
  messages: [{ role: 'user', content: `shared question ${randomUUID()}` }],
  ...extra,
});

describe.skipIf(skipWithout('redis'))(`response cache shared through Redis${skipNote('redis')}`, () => {
  let a: TestGateway;
  let b: TestGateway;
  let redis: Redis;

  beforeAll(async () => {
    const url = services.redisUrl as string;
    redis = new Redis(url);
    [a, b] = await Promise.all([startTestGateway(config(url)), startTestGateway(config(url))]);
  });
  afterAll(async () => {
    await Promise.all([a?.close(), b?.close()]);
    redis?.disconnect();
  });

  /** Entries are written in the background: wait until Redis holds `count` more of them. */
  async function entriesGrowTo(count: number) {
    await expect
      .poll(async () => (await redis.keys(`${REDIS_KEY_PREFIX}*`)).length)
      .toBeGreaterThanOrEqual(count);
  }

  it('two instances share one cache: an answer stored by one is a hit on the other', async () => {
    const body = fresh();
    const before = upstream.hits('shared');
    const entries = (await redis.keys(`${REDIS_KEY_PREFIX}*`)).length;
    const first = await a.chat(body);
    expect(first.headers.get('x-switchyard-cache')).toBe('miss');
    const miss = (await first.json()) as { choices: unknown };
    await entriesGrowTo(entries + 1);
    const second = await b.chat(body);
    expect(second.headers.get('x-switchyard-cache')).toBe('hit');
    expect(((await second.json()) as { choices: unknown }).choices).toEqual(miss.choices);
    expect(upstream.hits('shared')).toBe(before + 1);
  });

  it('stores each answer with SET … PX so that Redis expires it after ttlSeconds', async () => {
    const entries = new Set(await redis.keys(`${REDIS_KEY_PREFIX}*`));
    await (await a.chat(fresh())).json();
    await entriesGrowTo(entries.size + 1);
    const added = (await redis.keys(`${REDIS_KEY_PREFIX}*`)).filter((k) => !entries.has(k));
    expect(added).toHaveLength(1);
    expect(added[0]).toMatch(/^switchyard:cache:[0-9a-f]{64}$/);
    const ttl = await redis.pttl(added[0] as string);
    expect(ttl).toBeGreaterThan(50_000);
    expect(ttl).toBeLessThanOrEqual(60_000);
  });

  it('a stream answered by one instance replays as a stream on the other', async () => {
    const body = fresh({ stream: true });
    const entries = (await redis.keys(`${REDIS_KEY_PREFIX}*`)).length;
    const miss = readStream(await (await a.chat(body)).text());
    await entriesGrowTo(entries + 1);
    const response = await b.chat(body);
    expect(response.headers.get('x-switchyard-cache')).toBe('hit');
    const hit = readStream(await response.text());
    expect(hit).toMatchObject({ content: miss.content, done: true, errors: 0 });
    expect(miss.content).toBe('answer from shared');
  });
});

describe('response cache with Redis unreachable', () => {
  let gateway: TestGateway;
  const password = `pw-${randomUUID()}`;

  beforeAll(async () => {
    // A port nobody listens on.
    const server = createServer().listen(0, '127.0.0.1');
    await once(server, 'listening');
    const { port } = server.address() as { port: number };
    await new Promise((resolve) => server.close(resolve));
    gateway = await startTestGateway(config(`redis://:${password}@127.0.0.1:${port}`));
  });
  afterAll(() => gateway?.close());

  it('answers every request (as misses) and logs the outage once, without the password', async () => {
    const body = fresh();
    const before = upstream.hits('shared');
    for (let i = 0; i < 3; i++) {
      const response = await gateway.chat(body);
      expect(response.status).toBe(200);
      expect(response.headers.get('x-switchyard-cache')).toBe('miss');
      await response.json();
    }
    const stream = readStream(await (await gateway.chat({ ...body, stream: true })).text());
    expect(stream).toMatchObject({ content: 'answer from shared', done: true });
    expect(upstream.hits('shared')).toBe(before + 4);
    const logs = gateway.logs();
    expect(logs.filter((line) => line.includes('response cache unavailable'))).toHaveLength(1);
    expect(logs.join('\n')).not.toContain(password);
  });
});
