import { randomBytes } from 'node:crypto';
import { ProtocolError } from '@switchyard/protocol';
import { Redis } from 'ioredis';
import { afterEach, describe, expect, it } from 'vitest';
import { services, skipNote, skipWithout } from '../../test/support/services.js';
import { tempAccounting } from '../../test/support/temp-accounting.js';
import type { Accounting } from '../accounting/accounting.js';
import { createAccounting } from '../accounting/index.js';
import type { Principal } from '../accounting/request-records.js';
import { RedisLimits } from './redis-limits.js';

const skip = skipWithout('redis');

describe.skipIf(skip)(`shared limits in Redis${skipNote('redis')}`, () => {
  const cleanups: (() => void)[] = [];
  afterEach(() => {
    for (const c of cleanups.splice(0)) c();
  });

  /** Two gateway instances: their own SQLite stores, one Redis (a fresh key prefix per test). */
  function twoInstances(options: Parameters<typeof tempAccounting>[0] = {}) {
    const prefix = `test-${randomBytes(4).toString('hex')}:`;
    const shared = () => new RedisLimits(new Redis(services.redisUrl as string), prefix);
    const a = tempAccounting({ ...options, shared: shared() });
    cleanups.push(a.cleanup);
    const b = createAccounting({ ...options, databasePath: a.databasePath, shared: shared() });
    cleanups.push(() => b.close());
    return [a.accounting, b] as const;
  }

  async function outcomeOf(promise: Promise<unknown>): Promise<string> {
    try {
      await promise;
      return 'ok';
    } catch (error) {
      if (ProtocolError.isInstance(error)) return error.code ?? String(error.status);
      throw error;
    }
  }

  it('admits exactly the rpm across two instances, concurrently', async () => {
    const [a, b] = twoInstances();
    const { secret } = a.createKey({ name: 'rpm', rpm: 60 });
    const pa = a.authenticate(secret);
    const pb = b.authenticate(secret);
    const results = await Promise.all(
      Array.from({ length: 100 }, (_, i) =>
        outcomeOf(
          (i % 2 ? a : b).admitAsync(i % 2 ? pa : pb, {
            model: 'm',
            requestId: `r${i}`,
            estimatedPromptTokens: 1,
          }),
        ),
      ),
    );
    expect(results.filter((r) => r === 'ok')).toHaveLength(60);
    expect(results.filter((r) => r === 'rate_limit_exceeded')).toHaveLength(40);
  });

  it('slides the window like the in-memory limiter, with retry-after and headers', async () => {
    const [a, b] = twoInstances();
    const p = a.authenticate(a.createKey({ name: 'rpm', rpm: 2 }).secret);
    const t0 = 1_700_000_000_000;
    const first = await a.admitAsync(p, { model: 'm', requestId: 'a', estimatedPromptTokens: 1 }, t0);
    expect(first.headers).toMatchObject({
      'x-ratelimit-limit-requests': '2',
      'x-ratelimit-remaining-requests': '1',
    });
    await b.admitAsync(p, { model: 'm', requestId: 'b', estimatedPromptTokens: 1 }, t0 + 10_000);
    const refused = await b
      .admitAsync(p, { model: 'm', requestId: 'c', estimatedPromptTokens: 1 }, t0 + 20_000)
      .catch((e: ProtocolError) => e);
    expect(refused).toMatchObject({ code: 'rate_limit_exceeded', retryAfterMs: 40_000 });
    await expect(
      a.admitAsync(p, { model: 'm', requestId: 'd', estimatedPromptTokens: 1 }, t0 + 60_000),
    ).resolves.toMatchObject({ model: 'm' });
  });

  it('counts tokens across instances and gives back what a request did not use', async () => {
    const [a, b] = twoInstances();
    const p = a.authenticate(a.createKey({ name: 'tpm', tpm: 1000 }).secret);
    const req = { model: 'm', estimatedPromptTokens: 100, maxOutputTokens: 400 };
    const first = await a.admitAsync(p, { ...req, requestId: 'a' });
    await b.admitAsync(p, { ...req, requestId: 'b' });
    expect(await outcomeOf(a.admitAsync(p, { ...req, requestId: 'c' }))).toBe('rate_limit_exceeded');
    const small = { model: 'm', estimatedPromptTokens: 0, maxOutputTokens: 400 };
    expect(await outcomeOf(b.admitAsync(p, { ...small, requestId: 'd' }))).toBe('rate_limit_exceeded');
    // the first used 100 of its 500: 400 come back, on every instance
    a.finish(first, {
      model: 'm',
      deployment: null,
      status: 200,
      errorCode: null,
      latencyMs: 1,
      usage: { prompt_tokens: 90, completion_tokens: 10, total_tokens: 100 },
    });
    await expect.poll(() => outcomeOf(b.admitAsync(p, { ...small, requestId: 'e' }))).toBe('ok');
    const tooBig = await a
      .admitAsync(p, { model: 'm', requestId: 'e', estimatedPromptTokens: 2000 })
      .catch((e: ProtocolError) => e);
    expect(tooBig).toMatchObject({ code: 'rate_limit_exceeded', isRetryable: false });
  });

  it('shares budget reservations: never past the budget, across instances', async () => {
    const pricing = { 'priced-model': { input: 1_000_000, output: 1_000_000 } }; // $1 per token
    const [a, b] = twoInstances({ pricing });
    const { secret } = a.createKey({ name: 'b', budgetUsd: 12, budgetPeriod: 'day' });
    const principals: [Accounting, Principal][] = [
      [a, a.authenticate(secret)],
      [b, b.authenticate(secret)],
    ];
    const req = { model: 'priced-model', estimatedPromptTokens: 3, maxOutputTokens: 2 };
    const results = await Promise.all(
      Array.from({ length: 10 }, async (_, i) => {
        const [acc, p] = principals[i % 2] as [Accounting, Principal];
        try {
          return { acc, admission: await acc.admitAsync(p, { ...req, requestId: `r${i}` }) };
        } catch (error) {
          return { acc, error: error as ProtocolError };
        }
      }),
    );
    // each reserves its worst case ($5): a third would bring the total to $15, so it is refused
    expect(results.filter((r) => r.admission)).toHaveLength(2);
    expect(results.find((r) => r.error)?.error).toMatchObject({
      code: 'budget_exceeded',
      status: 429,
      message: expect.stringContaining('more than the $2 left'),
    });
  });

  it('answers 503 (fail closed) for limited keys when Redis is unreachable', async () => {
    const dead = new Redis('redis://127.0.0.1:1', {
      maxRetriesPerRequest: 0,
      enableOfflineQueue: false,
      lazyConnect: true,
    });
    const t = tempAccounting({ shared: new RedisLimits(dead) });
    cleanups.push(t.cleanup);
    const p = t.accounting.authenticate(t.accounting.createKey({ name: 'k', rpm: 5 }).secret);
    const error = await t.accounting
      .admitAsync(p, { model: 'm', requestId: 'x', estimatedPromptTokens: 1 })
      .catch((e: ProtocolError) => e);
    expect(error).toMatchObject({ status: 503, isRetryable: true });
    // Keys without limits or budget need no shared counter, so they are still served.
    const free = t.accounting.authenticate(t.accounting.createKey({ name: 'free' }).secret);
    await expect(
      t.accounting.admitAsync(free, { model: 'm', requestId: 'y', estimatedPromptTokens: 1 }),
    ).resolves.toMatchObject({ requestId: 'y' });
  });
});
