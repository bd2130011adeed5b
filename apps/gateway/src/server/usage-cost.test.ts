import OpenAI from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MockUpstream } from '../../test/support/mock-upstream.js';
import { startTestGateway, type TestGateway } from '../../test/support/test-gateway.js';

// Issue 19.7: `"cost":0.000024200000000000002`. The upstream is a mock (MockUpstream, 5 prompt and
// 3 completion tokens per answer); the gateway, its HTTP, its SQLite ledger and the client are real.

let upstream: MockUpstream;
let gateway: TestGateway;
let client: OpenAI;

// 5 × 1.1 + 3 × 2.2 USD per 1M tokens: $0.0000121, which float arithmetic makes 0.000012100000000000001.
const EXACT = 0.0000121;

beforeAll(async () => {
  upstream = await new MockUpstream().start();
  gateway = await startTestGateway({
    providers: {
      up: {
        type: 'openai-compatible',
        baseURL: upstream.baseURL('up'),
        apiKey: 'upstream-key-0123456789',
        models: ['m', 'unpriced-model'],
      },
    },
    models: { m: { deployments: ['up/m'] }, free: { deployments: ['up/unpriced-model'] } },
    routing: { retries: 0 },
    prices: { m: { input: 1.1, output: 2.2 } },
  });
  client = new OpenAI({ baseURL: `${gateway.url}/v1`, apiKey: gateway.createKey(), maxRetries: 0 });
});

afterAll(async () => {
  await gateway?.close();
  await upstream?.close();
});

/** The gateway's `usage.cost`, which the OpenAI SDK's types do not name. */
const costOf = (usage: OpenAI.CompletionUsage | null | undefined) =>
  (usage as (OpenAI.CompletionUsage & { cost?: number }) | null | undefined)?.cost;

const ask = { model: 'm', messages: [{ role: 'user' as const, content: 'hi' }] };

describe('usage.cost without float noise', () => {
  it('answers, streams, records and sums the exact cost', async () => {
    const response = await client.chat.completions.create(ask).asResponse();
    const body = await response.text();
    expect(body).toContain(`"cost":${EXACT}`);
    expect(body).not.toContain('0.00001210000');

    const stream = await client.chat.completions.create({
      ...ask,
      stream: true,
      stream_options: { include_usage: true },
    });
    let streamed: number | null | undefined;
    for await (const chunk of stream) if (chunk.usage) streamed = costOf(chunk.usage);
    expect(streamed).toBe(EXACT);

    await client.chat.completions.create(ask);
    await client.chat.completions.create(ask);
    const rows = await gateway.gateway.accounting.store.queryLedger({ model: 'm' });
    expect(rows.map((r) => r.cost)).toEqual([EXACT, EXACT, EXACT, EXACT]);
    // Four float additions of 0.0000121 make 0.000048400000000000004.
    const report = await gateway.gateway.accounting.usageSummary({ model: 'm' });
    expect(report.totals.cost).toBe(0.0000484);
    expect(String(report.totals.cost)).toBe('0.0000484');
  });

  it('costs 0 for a model without a price, and says so once in the log', async () => {
    for (let i = 0; i < 3; i++) {
      const completion = await client.chat.completions.create({ ...ask, model: 'free' });
      expect(costOf(completion.usage)).toBe(0);
    }
    const warnings = gateway.logs().filter((line) => line.includes('no price for this model'));
    expect(warnings).toHaveLength(1);
    expect(JSON.parse(warnings[0] as string)).toMatchObject({ model: 'unpriced-model', provider: 'up' });
  });
});
