import {
  AuthenticationError,
  PermissionDeniedError,
  ProtocolError,
  RateLimitError,
} from '@switchyard/protocol';
import { afterEach, describe, expect, it } from 'vitest';
import { tempAccounting } from '../../test/support/temp-accounting.js';
import { openSqliteStore } from '../ledger/sqlite-store.js';
import { Accounting } from './accounting.js';
import { createAccounting } from './index.js';

let cleanups: (() => void)[] = [];
afterEach(() => {
  for (const c of cleanups) c();
  cleanups = [];
});

function setup(options: Parameters<typeof tempAccounting>[0] = {}) {
  const t = tempAccounting(options);
  cleanups.push(t.cleanup);
  return t;
}

const usage = (prompt: number, completion: number) => ({
  prompt_tokens: prompt,
  completion_tokens: completion,
  total_tokens: prompt + completion,
});

function outcome(model: string, u = usage(10, 5)) {
  return { model, deployment: 'sim/echo', status: 200, errorCode: null, usage: u, latencyMs: 12, ttftMs: 3 };
}

function catchError(fn: () => unknown): ProtocolError {
  try {
    fn();
  } catch (e) {
    if (ProtocolError.isInstance(e)) return e;
    throw e;
  }
  throw new Error('expected a ProtocolError');
}

describe('API keys', () => {
  it('creates an admin key on the first start only, and the secret works as a bearer token', () => {
    const { accounting, databasePath } = setup();
    const secret = accounting.bootstrap.adminKeyCreated;
    expect(secret).toMatch(/^sk-sy-[A-Za-z0-9_-]{43}$/);
    expect(accounting.authenticate(secret as string).isAdmin).toBe(true);
    accounting.close();
    const again = createAccounting({ databasePath });
    expect(again.bootstrap.adminKeyCreated).toBeUndefined();
    expect(again.authenticate(secret as string).isAdmin).toBe(true);
    again.close();
  });

  it('stores only a hash: the secret is nowhere in the database file', async () => {
    const { accounting, databasePath } = setup();
    const { secret } = accounting.createKey({ name: 'ci' });
    accounting.close();
    const { readFileSync, existsSync } = await import('node:fs');
    const bytes = [databasePath, `${databasePath}-wal`]
      .filter((p) => existsSync(p))
      .map((p) => readFileSync(p).toString('latin1'))
      .join('');
    expect(bytes).not.toContain(secret.slice(6));
  });

  it('rejects unknown, missing, revoked and expired keys with a 401', () => {
    const { accounting } = setup();
    const { record, secret } = accounting.createKey({ name: 'a' });
    expect(accounting.authenticate(secret).keyId).toBe(record.id);
    expect(catchError(() => accounting.authenticate('sk-sy-nope')).status).toBe(401);
    expect(AuthenticationError.isInstance(catchError(() => accounting.authenticate(null)))).toBe(true);
    accounting.revokeKey(record.id);
    expect(catchError(() => accounting.authenticate(secret)).code).toBe('invalid_api_key');
    const expired = accounting.createKey({ name: 'old', expiresAt: Date.now() - 1 });
    expect(catchError(() => accounting.authenticate(expired.secret)).status).toBe(401);
  });

  it('sees keys created and revoked by another process on the next request', () => {
    const { accounting, databasePath } = setup();
    const cli = createAccounting({ databasePath }); // another connection, as the CLI opens it
    const { record, secret } = cli.createKey({ name: 'from-cli' });
    expect(accounting.authenticate(secret).keyId).toBe(record.id);
    cli.revokeKey(record.id);
    expect(catchError(() => accounting.authenticate(secret)).status).toBe(401);
    cli.close();
  });

  it('scopes keys to their models', () => {
    const { accounting } = setup();
    const { secret } = accounting.createKey({ name: 'scoped', allowedModels: ['simulator/echo'] });
    const p = accounting.authenticate(secret);
    expect(
      accounting.admit(p, { model: 'simulator/echo', requestId: 'r1', estimatedPromptTokens: 1 }),
    ).toMatchObject({ model: 'simulator/echo', requestId: 'r1', principal: { keyId: p.keyId } });
    const e = catchError(() =>
      accounting.admit(p, { model: 'gpt-4o', requestId: 'r2', estimatedPromptTokens: 1 }),
    );
    expect(PermissionDeniedError.isInstance(e)).toBe(true);
    expect(e.param).toBe('model');
  });
});

describe('rate limits', () => {
  it('admits exactly the RPM limit out of 200 concurrent requests', async () => {
    const { accounting } = setup();
    const { secret } = accounting.createKey({ name: 'rpm', rpm: 50 });
    const p = accounting.authenticate(secret);
    const results = await Promise.all(
      Array.from({ length: 200 }, (_, i) =>
        Promise.resolve().then(() => {
          try {
            return accounting.admit(p, { model: 'm', requestId: `r${i}`, estimatedPromptTokens: 5 });
          } catch (e) {
            return e as RateLimitError;
          }
        }),
      ),
    );
    const refused = results.filter((r) => RateLimitError.isInstance(r)) as RateLimitError[];
    expect(results.length - refused.length).toBe(50);
    expect(refused).toHaveLength(150);
    const first = refused[0] as RateLimitError & { headers: Record<string, string> };
    expect(first.isRetryable).toBe(true);
    expect(first.retryAfterMs).toBeGreaterThan(0);
    expect(first.retryAfterMs).toBeLessThanOrEqual(60_000);
    expect(first.headers['x-ratelimit-limit-requests']).toBe('50');
    expect(first.headers['x-ratelimit-remaining-requests']).toBe('0');
  });

  it('frees the window a minute later', () => {
    const { accounting } = setup();
    const { secret } = accounting.createKey({ name: 'rpm', rpm: 2 });
    const p = accounting.authenticate(secret);
    const t0 = 1_000_000_000;
    accounting.admit(p, { model: 'm', requestId: 'a', estimatedPromptTokens: 1 }, t0);
    accounting.admit(p, { model: 'm', requestId: 'b', estimatedPromptTokens: 1 }, t0 + 10_000);
    const e = catchError(() =>
      accounting.admit(p, { model: 'm', requestId: 'c', estimatedPromptTokens: 1 }, t0 + 20_000),
    );
    expect(e.retryAfterMs).toBe(40_000);
    // 'a' has left the window, 'b' has not: 'd' takes the last of the two.
    expect(
      accounting.admit(p, { model: 'm', requestId: 'd', estimatedPromptTokens: 1 }, t0 + 60_000),
    ).toMatchObject({ requestId: 'd', headers: { 'x-ratelimit-remaining-requests': '0' } });
    expect(
      catchError(() =>
        accounting.admit(p, { model: 'm', requestId: 'e', estimatedPromptTokens: 1 }, t0 + 60_000),
      ).retryAfterMs,
    ).toBe(10_000);
  });

  it('counts tokens per minute with the real usage, and refuses a request larger than the limit for good', () => {
    const { accounting } = setup();
    const { secret } = accounting.createKey({ name: 'tpm', tpm: 1000 });
    const p = accounting.authenticate(secret);
    const t0 = 2_000_000_000;
    const a = accounting.admit(
      p,
      { model: 'm', requestId: 'a', estimatedPromptTokens: 100, maxOutputTokens: 500 },
      t0,
    );
    expect(a.headers['x-ratelimit-remaining-tokens']).toBe('400');
    accounting.finish(a, outcome('m', usage(100, 50)), t0);
    // 150 used after correction: 850 left
    const b = accounting.admit(
      p,
      { model: 'm', requestId: 'b', estimatedPromptTokens: 100, maxOutputTokens: 700 },
      t0,
    );
    expect(b.headers['x-ratelimit-remaining-tokens']).toBe('50');
    const tooBig = catchError(() =>
      accounting.admit(
        p,
        { model: 'm', requestId: 'c', estimatedPromptTokens: 2000, maxOutputTokens: 10 },
        t0,
      ),
    );
    expect(tooBig.isRetryable).toBe(false);
    expect(tooBig.message).toMatch(/larger than this key's limit of 1000 tokens per minute/);
  });

  it('counts max_tokens once per choice: n 128 × 1000 does not pass a 2,000-tpm key (issue 22.4)', () => {
    const { accounting } = setup();
    const { secret } = accounting.createKey({ name: 'tpm', tpm: 2000 });
    const p = accounting.authenticate(secret);
    const ask = (n: number) =>
      accounting.admit(p, {
        model: 'm',
        requestId: `n${n}`,
        estimatedPromptTokens: 10,
        maxOutputTokens: 1000,
        n,
      });
    const refusal = catchError(() => ask(128));
    expect(refusal).toMatchObject({ status: 429, code: 'rate_limit_exceeded' });
    expect(refusal.isRetryable).toBe(false);
    expect(refusal.message).toBe(
      "This request (about 128010 tokens: the prompt, and max_tokens for each of its 128 choices) is larger than this key's limit of 2000 tokens per minute. Lower max_tokens or n.",
    );
    // The prompt counts once, as upstreams bill it: n 1 is 10 + 1000, n 2 is 10 + 2 × 1000.
    expect(ask(1).headers['x-ratelimit-remaining-tokens']).toBe('990');
    expect(catchError(() => ask(2)).message).toContain('about 2010 tokens');
  });

  it('reserves the budget for every choice of n', () => {
    const { accounting } = setup({ pricing: { 'priced-model': { input: 1_000_000, output: 1_000_000 } } });
    const { secret } = accounting.createKey({ name: 'n', budgetUsd: 100 });
    const p = accounting.authenticate(secret);
    const a = accounting.admit(p, {
      model: 'priced-model',
      requestId: 'n',
      estimatedPromptTokens: 3,
      maxOutputTokens: 2,
      n: 4,
    });
    expect(a.reservedCost).toBe(3 + 2 * 4);
  });

  it('never limits the admin key', () => {
    const { accounting } = setup({ limitsDefaults: { rpm: 1 } });
    const admin = accounting.authenticate(accounting.bootstrap.adminKeyCreated as string);
    for (let i = 0; i < 5; i++)
      accounting.admit(admin, { model: 'm', requestId: `r${i}`, estimatedPromptTokens: 1 });
  });

  it('applies the configured default limits to keys without their own', () => {
    const { accounting } = setup({ limitsDefaults: { rpm: 1 } });
    const p = accounting.authenticate(accounting.createKey({ name: 'k' }).secret);
    accounting.admit(p, { model: 'm', requestId: 'a', estimatedPromptTokens: 1 });
    expect(
      catchError(() => accounting.admit(p, { model: 'm', requestId: 'b', estimatedPromptTokens: 1 })).status,
    ).toBe(429);
  });
});

describe('budgets', () => {
  const pricing = { 'priced-model': { input: 1_000_000, output: 1_000_000 } }; // $1 per token

  function spendUntilRefused(accounting: Accounting, secret: string, concurrency: number) {
    const p = accounting.authenticate(secret);
    const admitted = [];
    let refusal: ProtocolError | undefined;
    for (let i = 0; i < concurrency; i++) {
      try {
        admitted.push(
          accounting.admit(p, {
            model: 'priced-model',
            requestId: `r${i}`,
            estimatedPromptTokens: 3,
            maxOutputTokens: 2,
          }),
        );
      } catch (e) {
        refusal = e as ProtocolError;
      }
    }
    for (const a of admitted) accounting.finish(a, outcome('priced-model', usage(3, 2)));
    return { admitted: admitted.length, refusal };
  }

  it('stops spending at the budget, never past it, with a non-retryable 429', async () => {
    const { accounting } = setup({ pricing });
    const { secret, record } = accounting.createKey({ name: 'b', budgetUsd: 12, budgetPeriod: 'day' });
    // each request costs $5 and reserves its worst case ($5): a third in flight would reach $15
    const { admitted, refusal } = spendUntilRefused(accounting, secret, 10);
    expect(admitted).toBe(2);
    expect(refusal?.code).toBe('budget_exceeded');
    expect(refusal?.status).toBe(429);
    expect(refusal?.isRetryable).toBe(false);
    const spent = (await accounting.usageSummary({ keyId: record.id })).totals.cost;
    expect(spent).toBe(10);
    expect(spendUntilRefused(accounting, secret, 1)).toMatchObject({
      admitted: 0,
      refusal: { code: 'budget_exceeded', message: expect.stringContaining('$2 left') },
    });
  });

  it('refuses a request whose worst case is more than what is left, and says what fits (issue 22.5)', () => {
    const { accounting } = setup({ defaultMaxTokens: 1000 });
    const { secret } = accounting.createKey({ name: 'tiny', budgetUsd: 0.0001, budgetPeriod: 'day' });
    const p = accounting.authenticate(secret);
    // gpt-4o: $2.50 in, $10 out per 1M; 10 prompt tokens + 1000 output = $0.010025 worst case
    const ask = (maxOutputTokens: number | null, n?: number) =>
      catchError(() =>
        accounting.admit(p, {
          model: 'gpt-4o',
          requestId: 'r',
          estimatedPromptTokens: 10,
          maxOutputTokens,
          ...(n ? { n } : {}),
        }),
      );
    const refusal = ask(1000);
    expect(refusal).toMatchObject({ status: 429, code: 'budget_exceeded', param: 'max_tokens' });
    expect(refusal.isRetryable).toBe(false);
    expect(refusal.message).toBe(
      "This request may cost up to $0.01 (about 10 prompt tokens and 1000 output tokens), more than the $0.0001 left of this key's budget of $0.0001 for this day. Set max_tokens to at most 7.",
    );
    // max_tokens: 1e12 on the same key, and a request without max_tokens (the default is assumed)
    expect(ask(1e12).message).toMatch(/may cost up to \$10000000 .* Set max_tokens to at most 7\./);
    expect(ask(null).message).toContain('A request without max_tokens counts 1000 output tokens per choice.');
    expect(ask(7, 2).message).toContain('Set max_tokens to at most 3 (or lower n).');
    // What fits is admitted, and reserves it: the next one finds nothing left.
    accounting.admit(p, { model: 'gpt-4o', requestId: 'ok', estimatedPromptTokens: 10, maxOutputTokens: 7 });
    expect(ask(1).message).toMatch(/more than the \$0\.000005 left/);
  });

  it('remembers spending across restarts (read back from the ledger)', () => {
    const { accounting, databasePath } = setup({ pricing });
    const { secret } = accounting.createKey({ name: 'b', budgetUsd: 5, budgetPeriod: 'month' });
    expect(spendUntilRefused(accounting, secret, 1).admitted).toBe(1);
    accounting.close();
    const again = createAccounting({ databasePath, pricing });
    const { admitted, refusal } = spendUntilRefused(again, secret, 1);
    expect(admitted).toBe(0);
    expect(refusal?.code).toBe('budget_exceeded');
    again.close();
  });
});

describe('ledger and cost', () => {
  it('writes one row per request with tokens, cost, latency and status', async () => {
    const { accounting } = setup();
    const p = accounting.authenticate(accounting.createKey({ name: 'k' }).secret);
    const a = accounting.admit(p, {
      model: 'gpt-4o-mini',
      requestId: 'req-1',
      estimatedPromptTokens: 10,
      stream: true,
    });
    const { cost } = accounting.finish(a, {
      model: 'gpt-4o-mini',
      deployment: 'openai/gpt-4o-mini',
      status: 200,
      errorCode: null,
      usage: {
        prompt_tokens: 1000,
        completion_tokens: 200,
        total_tokens: 1200,
        prompt_tokens_details: { cached_tokens: 400 },
        completion_tokens_details: { reasoning_tokens: 50 },
      },
      latencyMs: 321,
      ttftMs: 45,
    });
    // 600 fresh × 0.15 + 400 cached × 0.075 + 200 × 0.6, per 1M
    expect(cost).toBeCloseTo((600 * 0.15 + 400 * 0.075 + 200 * 0.6) / 1e6, 12);
    const [row] = await accounting.store.queryLedger({ keyId: p.keyId });
    expect(row).toMatchObject({
      requestId: 'req-1',
      model: 'gpt-4o-mini',
      deployment: 'openai/gpt-4o-mini',
      promptTokens: 1000,
      completionTokens: 200,
      cachedTokens: 400,
      reasoningTokens: 50,
      latencyMs: 321,
      ttftMs: 45,
      status: 200,
      errorCode: null,
      stream: true,
    });
    expect(row?.cost).toBeCloseTo(cost, 15);
  });

  it('records failures with their status and code, and counts them in metrics', async () => {
    const { accounting } = setup();
    const p = accounting.authenticate(accounting.createKey({ name: 'k' }).secret);
    const a = accounting.admit(p, { model: 'm', requestId: 'req-e', estimatedPromptTokens: 1 });
    accounting.finish(a, {
      model: 'm',
      deployment: null,
      status: 502,
      errorCode: 'upstream_error',
      usage: undefined,
      latencyMs: 5,
    });
    expect((await accounting.store.queryLedger({ keyId: p.keyId }))[0]).toMatchObject({
      status: 502,
      errorCode: 'upstream_error',
    });
    expect(accounting.renderMetrics()).toContain(
      'switchyard_requests_total{model="m",deployment="none",status="502"} 1',
    );
  });

  it('prices models by exact id, then without a provider prefix or a date suffix', () => {
    const { accounting } = setup();
    const u = usage(1_000_000, 0);
    expect(accounting.costOf('gpt-4o', u)).toEqual({ usd: 2.5, source: 'price_table' });
    expect(accounting.costOf('openai/gpt-4o', u).usd).toBe(2.5);
    expect(accounting.costOf('gpt-4o-2024-08-06', u).usd).toBe(2.5);
    expect(accounting.costOf('simulator/echo', u).usd).toBe(0);
  });

  it("takes the upstream's reported usage.cost as the cost: recorded, charged to the budget, marked upstream", async () => {
    const { accounting } = setup();
    const { secret } = accounting.createKey({ name: 'k', budgetUsd: 1, budgetPeriod: 'total' });
    const p = accounting.authenticate(secret);
    // glm-5.1 is in the price catalogue (it would price these tokens apart); glm-4.5v is not.
    const reported = { ...usage(57, 7), cost: 0.000123, cost_details: { upstream_inference_cost: 0.000123 } };
    expect(accounting.costOf('glm-5.1', reported)).toEqual({ usd: 0.000123, source: 'upstream' });
    expect(accounting.costOf('glm-4.5v', reported)).toEqual({ usd: 0.000123, source: 'upstream' });
    const table = accounting.costOf('glm-5.1', usage(57, 7));
    expect(table.source).toBe('price_table');
    expect(table.usd).toBeGreaterThan(0);
    for (const model of ['glm-5.1', 'glm-4.5v']) {
      const a = accounting.admit(p, { model, requestId: `req-${model}`, estimatedPromptTokens: 57 });
      const { cost } = accounting.finish(a, {
        model,
        deployment: `token360/${model}`,
        status: 200,
        errorCode: null,
        usage: reported,
        latencyMs: 5,
      });
      expect(cost).toBe(0.000123);
    }
    const a = accounting.admit(p, { model: 'glm-5.1', requestId: 'req-table', estimatedPromptTokens: 57 });
    accounting.finish(a, {
      model: 'glm-5.1',
      deployment: 'token360/glm-5.1',
      status: 200,
      errorCode: null,
      usage: usage(57, 7),
      latencyMs: 5,
    });
    const rows = await accounting.store.queryLedger({ keyId: p.keyId });
    expect(rows.map((r) => [r.cost, r.costSource])).toEqual([
      [0.000123, 'upstream'],
      [0.000123, 'upstream'],
      [table.usd, 'price_table'],
    ]);
    expect(accounting.store.spentSince(p.keyId, 0)).toBeCloseTo(0.000246 + table.usd, 15);
  });
});

describe('cache writes', () => {
  it("records an answer's cache-written tokens in the ledger and prices them at the cache-write rate", async () => {
    const { accounting } = setup({
      pricing: {
        claude: { 'claude-sonnet-4-5': { input: 3, output: 15, cachedInput: 0.3, cacheWrite: 3.75 } },
      },
    });
    const p = accounting.authenticate(accounting.createKey({ name: 'k' }).secret);
    // As the Anthropic adapter reports it: 100 fresh + 1,000 read + 2,000 written = 3,100 prompt tokens.
    const written = {
      ...usage(3_100, 50),
      prompt_tokens_details: { cached_tokens: 1_000, cache_write_tokens: 2_000 },
    };
    const a = accounting.admit(p, { model: 'claude', requestId: 'req-cw', estimatedPromptTokens: 3_100 });
    const { cost } = accounting.finish(a, {
      ...outcome('claude', written),
      upstreamModel: 'claude-sonnet-4-5',
      upstreamProvider: 'claude',
    });
    expect(cost).toBe((100 * 3 + 1_000 * 0.3 + 2_000 * 3.75 + 50 * 15) / 1e6);
    const [row] = await accounting.store.queryLedger({ keyId: p.keyId });
    expect(row).toMatchObject({
      cachedTokens: 1_000,
      cacheWriteTokens: 2_000,
      cost,
      costSource: 'price_table',
    });
    expect((await accounting.usageSummary({})).totals).toMatchObject({
      cached_tokens: 1_000,
      cache_write_tokens: 2_000,
    });
    expect(accounting.renderMetrics()).toContain('kind="cache_write"} 2000');
  });
});

describe('authenticateAsync', () => {
  it('answers 503 retryable when the shared store cannot be read for an unknown key, and reports it', async () => {
    const { databasePath } = setup();
    const reported: unknown[] = [];
    const store = openSqliteStore(databasePath);
    cleanups.push(() => store.close());
    const down = new Error('connection refused');
    const accounting = new Accounting({
      store: { ...store, lookupKey: () => Promise.reject(down) },
      onSharedError: (error) => reported.push(error),
    });
    const { secret } = accounting.createKey({ name: 'known' });
    expect((await accounting.authenticateAsync(secret)).name).toBe('known');
    const error = await accounting.authenticateAsync('sk-sy-not-a-key-anywhere').catch((e: unknown) => e);
    expect(error).toMatchObject({ status: 503, code: 'server_error', isRetryable: true });
    expect(reported).toEqual([down]);
    expect(await accounting.authenticateAsync(null).catch((e: unknown) => e)).toMatchObject({ status: 401 });
  });
});
