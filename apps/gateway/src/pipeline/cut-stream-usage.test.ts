import OpenAI from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MockUpstream } from '../../test/support/mock-upstream.js';
import { startTestGateway, type TestGateway } from '../../test/support/test-gateway.js';
import type { LedgerRow } from '../ledger/store.js';

// Issue 22.3: a client that leaves a stream between its finish_reason and its usage chunk.
// The upstreams are mocks (MockUpstream); the gateway, its HTTP, SQLite file and client are real.

let upstream: MockUpstream;
let gateway: TestGateway;

const PROMPT = 'cut me'; // estimated as ceil(6 / 4) + 4 per message = 6 prompt tokens
const PRICE = 0.0125; // USD per token, input and output: the mock's full answer (5 + 3 tokens) costs $0.10

beforeAll(async () => {
  upstream = await new MockUpstream().start();
  upstream.behave('late', 'late-usage');
  upstream.behave('silent', 'no-usage');
  upstream.behave('stall', 'stall');
  const providers = Object.fromEntries(
    ['late', 'silent', 'stall'].map((name) => [
      name,
      {
        type: 'openai-compatible',
        baseURL: upstream.baseURL(name),
        apiKey: 'upstream-key-0123456789',
        models: ['m'],
      },
    ]),
  );
  gateway = await startTestGateway({
    providers,
    models: {
      late: { deployments: ['late/m'] },
      silent: { deployments: ['silent/m'] },
      stalled: { deployments: ['stall/m'] },
    },
    routing: { retries: 0 },
    prices: { m: { input: PRICE * 1e6, output: PRICE * 1e6 } },
    // The longest wait allowed: a loaded machine can stall a test process for seconds.
    limits: { usageAfterCutMs: 4_000 },
  });
});

afterAll(async () => {
  await gateway?.close();
  await upstream?.close();
});

function tenant(settings: Parameters<TestGateway['createKey']>[0] = {}) {
  const secret = gateway.createKey(settings);
  const keyId = gateway.gateway.accounting.authenticate(secret).keyId;
  const client = new OpenAI({ baseURL: `${gateway.url}/v1`, apiKey: secret, maxRetries: 0 });
  return { secret, keyId, client };
}

/** Streams `model` and leaves (breaking out of the SDK's stream aborts the request) once `leave(chunk)`. */
async function streamAndLeave(
  client: OpenAI,
  model: string,
  leave: (chunk: OpenAI.ChatCompletionChunk) => boolean,
): Promise<void> {
  const stream = await client.chat.completions.create({
    model,
    stream: true,
    stream_options: { include_usage: true },
    max_tokens: 10,
    messages: [{ role: 'user', content: PROMPT }],
  });
  for await (const chunk of stream) if (leave(chunk)) break;
}

const afterFinish = (chunk: OpenAI.ChatCompletionChunk) => chunk.choices[0]?.finish_reason != null;

async function ledgerRows(keyId: string, count: number): Promise<LedgerRow[]> {
  let rows: LedgerRow[] = [];
  await expect
    .poll(
      async () => {
        rows = await gateway.gateway.accounting.store.queryLedger({ keyId });
        return rows.length;
      },
      { timeout: 5_000 },
    )
    .toBe(count);
  return rows;
}

describe('a stream the client leaves before its usage chunk (issue 22.3)', () => {
  it('reads on for the upstream usage and bills it: five cut streams cannot pass a $0.50 budget', async () => {
    const { client, keyId } = tenant({ budgetUsd: 0.5, budgetPeriod: 'day' });
    // Worst case $0.20 (6 prompt + 10 output tokens); each cut stream is billed its real $0.10.
    for (let i = 1; i <= 4; i++) {
      await streamAndLeave(client, 'late', afterFinish);
      // The usage comes only once the gateway saw the client go (its response closed).
      await expect.poll(() => gateway.gateway.inFlight).toBe(0);
      upstream.release('late');
      await ledgerRows(keyId, i);
    }
    const refused = await streamAndLeave(client, 'late', afterFinish).catch((e: unknown) => e);
    expect(refused).toBeInstanceOf(OpenAI.RateLimitError);
    expect((refused as InstanceType<typeof OpenAI.RateLimitError>).code).toBe('budget_exceeded');
    const rows = await ledgerRows(keyId, 4);
    for (const row of rows) {
      expect(row).toMatchObject({
        status: 499,
        errorCode: 'aborted',
        promptTokens: 5,
        completionTokens: 3,
        usageEstimated: false,
      });
      expect(row.cost).toBeCloseTo(0.1, 10);
    }
    expect(upstream.last('late').streaming).toBe(0);
  });

  it('records an estimate, marked as such, when no usage comes within the wait, and stops the upstream', async () => {
    const { client, keyId } = tenant();
    const cutAt = Date.now();
    await streamAndLeave(client, 'silent', afterFinish);
    const [row] = await ledgerRows(keyId, 1);
    expect(Date.now() - cutAt).toBeGreaterThanOrEqual(4_000); // it waited for the usage (limits.usageAfterCutMs)
    // 6 prompt tokens estimated; 'answer from silent' streamed: 18 characters, 5 tokens
    expect(row).toMatchObject({ status: 499, promptTokens: 6, completionTokens: 5, usageEstimated: true });
    expect(row?.cost).toBeCloseTo(11 * PRICE, 10);
    await expect.poll(() => upstream.last('silent').streaming).toBe(0);
    const report = await gateway.gateway.accounting.usageSummary({ keyId });
    expect(report.totals).toMatchObject({ requests: 1, estimated_usage: 1 });
  });

  it('estimates at once a stream cut mid-answer, and stops its upstream without reading on', async () => {
    const { client, keyId } = tenant();
    const cutAt = Date.now();
    await streamAndLeave(client, 'stalled', (chunk) => chunk.choices[0]?.delta?.content === 'answer');
    const [row] = await ledgerRows(keyId, 1);
    expect(Date.now() - cutAt).toBeLessThan(4_000); // it did not wait for a usage
    // 'answer' streamed: 6 characters, 2 tokens
    expect(row).toMatchObject({ status: 499, promptTokens: 6, completionTokens: 2, usageEstimated: true });
    expect(row?.cost).toBeCloseTo(8 * PRICE, 10);
    await expect.poll(() => upstream.last('stall').streaming).toBe(0);
  });
});
