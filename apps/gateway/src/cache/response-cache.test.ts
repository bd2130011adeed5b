import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MockToken360Upstream, TOKEN360_BILLED_USAGE } from '../../test/support/mock-token360-upstream.js';
import { MockUpstream } from '../../test/support/mock-upstream.js';
import { readStream, startTestGateway, type TestGateway } from '../../test/support/test-gateway.js';

let upstream: MockUpstream;
let gateway: TestGateway;
/** The same upstream behind a gateway with the cache off (the default). */
let plain: TestGateway;

const providers = (names: string[]) =>
  Object.fromEntries(
    names.map((name) => [
      name,
      {
        type: 'openai-compatible',
        baseURL: upstream.baseURL(name),
        apiKey: 'upstream-key-0123456789',
        models: ['m'],
      },
    ]),
  );

beforeAll(async () => {
  upstream = await new MockUpstream().start();
  [gateway, plain] = await Promise.all([
    startTestGateway({
      providers: providers(['up', 'flaky']),
      models: {
        smart: { deployments: ['up/m'], aliases: ['smart-alias'] },
        flaky: { deployments: ['flaky/m'] },
      },
      routing: { retries: 0 },
      prices: { m: { input: 1_000_000, output: 1_000_000 } }, // $1 per token: a miss costs 8
      cache: { enabled: true },
    }),
    startTestGateway({ providers: providers(['plain']), models: { smart: { deployments: ['plain/m'] } } }),
  ]);
});

afterAll(async () => {
  await Promise.all([gateway?.close(), plain?.close()]);
  await upstream?.close();
});

/** A request nobody sent before (the cache outlives each test). */
function fresh(extra: Record<string, unknown> = {}): Record<string, unknown> {
  return { model: 'smart', messages: [{ role: 'user', content: `question ${randomUUID()}` }], ...extra };
}

async function completion(response: Response) {
  expect(response.status).toBe(200);
  return (await response.json()) as {
    id: string;
    choices: { message: { content: string }; finish_reason: string }[];
    usage: { total_tokens: number; cost: number };
  };
}

describe('response cache (in process, over HTTP)', () => {
  it('answers an identical request from the cache: same answer, one upstream call, cost 0', async () => {
    const body = fresh();
    const before = upstream.hits('up');
    const first = await gateway.chat(body);
    expect(first.headers.get('x-switchyard-cache')).toBe('miss');
    const miss = await completion(first);
    const second = await gateway.chat(body);
    expect(second.headers.get('x-switchyard-cache')).toBe('hit');
    expect(second.headers.get('age')).toMatch(/^\d+$/);
    expect(second.headers.get('x-switchyard-deployment')).toBeNull();
    const hit = await completion(second);
    expect(upstream.hits('up')).toBe(before + 1);
    expect(hit.id).toBe(miss.id);
    expect(hit.choices).toEqual(miss.choices);
    expect(miss.usage.cost).toBe(8);
    expect(hit.usage).toEqual({ ...miss.usage, cost: 0 });
  });

  it('shares entries between a model and its aliases, and ignores stream, user and metadata', async () => {
    const body = fresh();
    await completion(await gateway.chat(body));
    const before = upstream.hits('up');
    const again = await gateway.chat({
      ...body,
      model: 'smart-alias',
      user: 'someone',
      metadata: { a: 'b' },
    });
    expect(again.headers.get('x-switchyard-cache')).toBe('hit');
    expect(upstream.hits('up')).toBe(before);
  });

  it('misses when a field that shapes the answer differs', async () => {
    const body = fresh();
    await completion(await gateway.chat(body));
    for (const change of [{ temperature: 0.5 }, { max_tokens: 7 }, { seed: 1 }]) {
      const response = await gateway.chat({ ...body, ...change });
      expect(response.headers.get('x-switchyard-cache')).toBe('miss');
      await response.body?.cancel();
    }
  });

  it('keeps API keys apart: the same request with another key misses', async () => {
    const body = fresh();
    const a = gateway.createKey({ name: 'tenant-a' });
    const b = gateway.createKey({ name: 'tenant-b' });
    await completion(await gateway.chat(body, { key: a }));
    const other = await gateway.chat(body, { key: b });
    expect(other.headers.get('x-switchyard-cache')).toBe('miss');
    await completion(other);
    expect((await gateway.chat(body, { key: a })).headers.get('x-switchyard-cache')).toBe('hit');
  });

  it('caches a stream: a second stream replays the same content and ends with [DONE]', async () => {
    const body = fresh({ stream: true });
    const before = upstream.hits('up');
    const first = await gateway.chat(body);
    expect(first.headers.get('x-switchyard-cache')).toBe('miss');
    const miss = readStream(await first.text());
    const second = await gateway.chat({ ...body, stream_options: { include_usage: true } });
    expect(second.headers.get('x-switchyard-cache')).toBe('hit');
    expect(second.headers.get('content-type')).toContain('text/event-stream');
    const hit = readStream(await second.text());
    expect(upstream.hits('up')).toBe(before + 1);
    expect(miss).toMatchObject({ content: 'answer from up', done: true, errors: 0 });
    expect(hit).toMatchObject({ content: miss.content, done: true, errors: 0 });
    // include_usage is honoured on a hit: a last chunk without choices carries the usage, cost 0.
    expect(hit.chunks.at(-1)).toMatchObject({ choices: [], usage: { total_tokens: 8, cost: 0 } });
    expect(miss.chunks.some((c) => 'usage' in c)).toBe(false);
    // Without include_usage, a replay has no usage at all.
    const third = readStream(await (await gateway.chat(body)).text());
    expect(third.chunks.some((c) => 'usage' in c)).toBe(false);
    expect(third.content).toBe(miss.content);
  });

  it('answers a stream request from a stored non-stream answer, and the other way round', async () => {
    const body = fresh();
    const whole = await completion(await gateway.chat(body));
    const streamed = await gateway.chat({ ...body, stream: true });
    expect(streamed.headers.get('x-switchyard-cache')).toBe('hit');
    const replay = readStream(await streamed.text());
    expect(replay).toMatchObject({ content: whole.choices[0]?.message.content, done: true });
    expect(replay.chunks.at(-1)).toMatchObject({ choices: [{ finish_reason: 'stop' }] });

    const streamFirst = fresh({ stream: true });
    readStream(await (await gateway.chat(streamFirst)).text());
    const after = await gateway.chat({ ...streamFirst, stream: false });
    expect(after.headers.get('x-switchyard-cache')).toBe('hit');
    expect((await completion(after)).choices[0]).toMatchObject({
      message: { role: 'assistant', content: 'answer from up' },
      finish_reason: 'stop',
    });
  });

  it('does not store errors, nor a stream that broke off', async () => {
    const body = { ...fresh(), model: 'flaky' };
    upstream.behave('flaky', 'unavailable');
    const failed = await gateway.chat(body);
    expect(failed.status).toBe(503);
    await failed.body?.cancel();
    upstream.behave('flaky', 'break');
    const broken = readStream(await (await gateway.chat({ ...body, stream: true })).text());
    expect(broken).toMatchObject({ done: false, errors: 1 });
    upstream.behave('flaky', 'ok');
    const before = upstream.hits('flaky');
    const retried = await gateway.chat(body);
    expect(retried.headers.get('x-switchyard-cache')).toBe('miss');
    await completion(retried);
    expect(upstream.hits('flaky')).toBe(before + 1);
    expect((await gateway.chat(body)).headers.get('x-switchyard-cache')).toBe('hit');
  });

  it('x-switchyard-cache: no-cache skips the lookup but stores; no-store neither reads nor stores', async () => {
    const body = fresh();
    const before = upstream.hits('up');
    const bypass = await gateway.chat(body, { headers: { 'x-switchyard-cache': 'no-store' } });
    expect(bypass.headers.get('x-switchyard-cache')).toBe('bypass');
    await completion(bypass);
    const first = await gateway.chat(body);
    expect(first.headers.get('x-switchyard-cache')).toBe('miss');
    await completion(first);
    const refreshed = await gateway.chat(body, { headers: { 'x-switchyard-cache': 'No-Cache' } });
    expect(refreshed.headers.get('x-switchyard-cache')).toBe('miss');
    await completion(refreshed);
    expect(upstream.hits('up')).toBe(before + 3);
    expect((await gateway.chat(body)).headers.get('x-switchyard-cache')).toBe('hit');
    // The hit did not touch the upstream; a stored entry is not read with no-store either.
    const noStore = await gateway.chat(body, { headers: { 'x-switchyard-cache': 'no-store' } });
    expect(noStore.headers.get('x-switchyard-cache')).toBe('bypass');
    await completion(noStore);
    expect(upstream.hits('up')).toBe(before + 4);
  });

  it('refuses an unknown x-switchyard-cache value with a 400 in the protocol error shape', async () => {
    const response = await gateway.chat(fresh(), { headers: { 'x-switchyard-cache': 'forever' } });
    expect(response.status).toBe(400);
    const { error } = (await response.json()) as { error: { message: string; code: string } };
    expect(error.code).toBe('invalid_request');
    expect(error.message).toContain('no-cache or no-store');
  });

  it('still checks keys, model access and rate limits before answering from the cache', async () => {
    const body = fresh();
    const limited = gateway.createKey({ name: 'limited', rpm: 2 });
    await completion(await gateway.chat(body, { key: limited }));
    expect((await gateway.chat(body, { key: limited })).headers.get('x-switchyard-cache')).toBe('hit');
    const refused = await gateway.chat(body, { key: limited });
    expect(refused.status).toBe(429);
    await refused.body?.cancel();
    const wrongKey = await gateway.chat(body, { key: 'sk-sy-not-a-key' });
    expect(wrongKey.status).toBe(401);
    await wrongKey.body?.cancel();
    const scoped = gateway.createKey({ name: 'scoped', allowedModels: ['flaky'] });
    const forbidden = await gateway.chat(body, { key: scoped });
    expect(forbidden.status).toBe(404);
    await forbidden.body?.cancel();
  });

  it('writes a ledger row per hit, marked cached at cost 0, and counts hits in /v1/usage and /metrics', async () => {
    const key = gateway.createKey({ name: 'ledger' });
    const body = fresh();
    await completion(await gateway.chat(body, { key }));
    await completion(await gateway.chat(body, { key }));
    readStream(await (await gateway.chat({ ...body, stream: true }, { key })).text());
    const { keyId } = gateway.gateway.accounting.authenticate(key);
    const rows = await gateway.gateway.accounting.store.queryLedger({ keyId });
    expect(rows.map((r) => ({ cached: r.cached, cost: r.cost, stream: r.stream, status: r.status }))).toEqual(
      [
        { cached: false, cost: 8, stream: false, status: 200 },
        { cached: true, cost: 0, stream: false, status: 200 },
        { cached: true, cost: 0, stream: true, status: 200 },
      ],
    );
    // Hits report the answer's tokens, but no deployment served them.
    expect(rows[1]).toMatchObject({ promptTokens: 5, completionTokens: 3, deployment: null });
    const usage = await fetch(`${gateway.url}/v1/usage`, { headers: { authorization: `Bearer ${key}` } });
    expect(((await usage.json()) as { totals: unknown }).totals).toMatchObject({
      requests: 3,
      cache_hits: 2,
      cost: 8,
    });
    const metrics = await (await fetch(`${gateway.url}/metrics`)).text();
    expect(metrics).toMatch(/^switchyard_cache_requests_total\{result="hit"\} [1-9]\d*$/m);
    expect(metrics).toMatch(/^switchyard_cache_requests_total\{result="miss"\} [1-9]\d*$/m);
  });

  it('is off by default: no header, every request goes upstream', async () => {
    const body = fresh();
    const before = upstream.hits('plain');
    for (let i = 0; i < 2; i++) {
      const response = await plain.chat(body);
      expect(response.headers.get('x-switchyard-cache')).toBeNull();
      await completion(response);
    }
    expect(upstream.hits('plain')).toBe(before + 2);
  });
});

describe('response cache settings', () => {
  let tuned: TestGateway;
  beforeAll(async () => {
    tuned = await startTestGateway({
      providers: providers(['tuned']),
      models: { smart: { deployments: ['tuned/m'] }, global: { deployments: ['tuned/m'] } },
      cache: { enabled: true, ttlSeconds: 1, onlyDeterministic: true, scope: 'global' },
    });
  });
  afterAll(() => tuned?.close());

  it('forgets an answer after ttlSeconds', async () => {
    const body = fresh({ temperature: 0 });
    await completion(await tuned.chat(body));
    expect((await tuned.chat(body)).headers.get('x-switchyard-cache')).toBe('hit');
    await expect
      .poll(async () => (await tuned.chat(body)).headers.get('x-switchyard-cache'), {
        interval: 200,
        timeout: 5_000,
      })
      .toBe('miss');
  });

  it('with onlyDeterministic, bypasses requests without temperature 0 or a seed', async () => {
    const sampled = fresh({ temperature: 0.8 });
    const before = upstream.hits('tuned');
    for (let i = 0; i < 2; i++) {
      const response = await tuned.chat(sampled);
      expect(response.headers.get('x-switchyard-cache')).toBe('bypass');
      await completion(response);
    }
    expect(upstream.hits('tuned')).toBe(before + 2);
    const seeded = fresh({ temperature: 0.8, seed: 42 });
    await completion(await tuned.chat(seeded));
    expect((await tuned.chat(seeded)).headers.get('x-switchyard-cache')).toBe('hit');
  });

  it('with scope global, shares answers between API keys', async () => {
    const body = fresh({ temperature: 0 });
    await completion(await tuned.chat(body, { key: tuned.createKey() }));
    expect((await tuned.chat(body, { key: tuned.createKey() })).headers.get('x-switchyard-cache')).toBe(
      'hit',
    );
  });
});

describe('response cache in front of an upstream that bills (a Token360-shaped mock upstream)', () => {
  it("a hit costs 0 and carries none of the miss's cost_details", async () => {
    const billing = await new MockToken360Upstream().start();
    const cached = await startTestGateway({
      providers: {
        t360: {
          type: 'openai-compatible',
          preset: 'token360',
          baseURL: billing.baseURL('t360', 'billed'),
          apiKey: 'upstream-key-0123456789',
          models: ['glm-5.1'],
        },
      },
      models: { glm: { deployments: ['t360/glm-5.1'] } },
      cache: { enabled: true },
    });
    try {
      const body = { model: 'glm', messages: [{ role: 'user', content: 'Hello' }] };
      const miss = (await (await cached.chat(body)).json()) as { usage: unknown };
      expect(miss.usage).toStrictEqual(TOKEN360_BILLED_USAGE);
      const second = await cached.chat(body);
      expect(second.headers.get('x-switchyard-cache')).toBe('hit');
      const { cost_details: _, ...tokens } = TOKEN360_BILLED_USAGE;
      expect(((await second.json()) as { usage: unknown }).usage).toStrictEqual({ ...tokens, cost: 0 });
    } finally {
      await cached.close();
      await billing.close();
    }
  });
});
