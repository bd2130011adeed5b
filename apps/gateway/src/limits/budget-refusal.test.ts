import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MockUpstream } from '../../test/support/mock-upstream.js';
import { startTestGateway, type TestGateway } from '../../test/support/test-gateway.js';

// Issue 22.4 and 22.5 over HTTP: refusals happen before the upstream (a mock) is called.

let upstream: MockUpstream;
let gateway: TestGateway;

beforeAll(async () => {
  upstream = await new MockUpstream().start();
  gateway = await startTestGateway({
    providers: {
      up: {
        type: 'openai-compatible',
        baseURL: upstream.baseURL('up'),
        apiKey: 'upstream-key-0123456789',
        models: ['gpt-4o'],
      },
    },
    models: { smart: { deployments: ['up/gpt-4o'] } },
    routing: { retries: 0 },
  });
});

afterAll(async () => {
  await gateway?.close();
  await upstream?.close();
});

const ask = (key: string, extra: Record<string, unknown>) =>
  gateway.chat({ model: 'smart', messages: [{ role: 'user', content: 'hello there' }], ...extra }, { key });

describe('admission over HTTP', () => {
  it('refuses a request whose worst case exceeds the budget left, before calling the upstream', async () => {
    const key = gateway.createKey({ budgetUsd: 0.0001, budgetPeriod: 'day' });
    const hits = upstream.hits('up');
    for (const maxTokens of [1000, 1e12]) {
      const response = await ask(key, { max_tokens: maxTokens });
      expect(response.status).toBe(429);
      const { error } = (await response.json()) as { error: Record<string, unknown> };
      expect(error).toMatchObject({
        type: 'insufficient_quota',
        code: 'budget_exceeded',
        param: 'max_tokens',
      });
      expect(error.message, String(error.message)).toMatch(
        /more than the \$0\.0001 left of this key's budget of \$0\.0001 for this day\. Set max_tokens to at most 8\.$/,
      );
    }
    expect((await ask(key, { max_tokens: 8 })).status).toBe(200);
    expect(upstream.hits('up')).toBe(hits + 1);
  });

  it('counts n: n 128 with max_tokens 1000 does not pass a 2,000-tpm key', async () => {
    const key = gateway.createKey({ tpm: 2000 });
    const hits = upstream.hits('up');
    const response = await ask(key, { n: 128, max_tokens: 1000 });
    expect(response.status).toBe(429);
    const { error } = (await response.json()) as { error: { code: string; message: string } };
    expect(error.code).toBe('rate_limit_exceeded');
    expect(error.message).toContain('max_tokens for each of its 128 choices');
    expect(upstream.hits('up')).toBe(hits);
  });
});
