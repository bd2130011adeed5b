import { join } from 'node:path';
import { calcPrice } from '@pydantic/genai-prices';
import Database from 'better-sqlite3';
import OpenAI from 'openai';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { DATABASE_FILE } from '../src/config/resolve-config.js';
import { startLocalUpstreamThatRefuses } from './support/closed-port.js';
import { type RunningGateway, removeDir, startGateway } from './support/gateway-process.js';
import {
  MockToken360Upstream,
  TOKEN360_BILLED_USAGE,
  TOKEN360_COST,
} from './support/mock-token360-upstream.js';

// Issue 23: the real gateway, over HTTP, in front of a mock upstream speaking Token360's shapes,
// with the real `openai` SDK as the client.

const PROVIDER_KEY = 'sk-t360-provider-key-0123456789';

let upstream: MockToken360Upstream;
let gateway: RunningGateway;
let client: OpenAI;
let refusedURL: string;

beforeAll(async () => {
  upstream = await new MockToken360Upstream().start();
  refusedURL = await startLocalUpstreamThatRefuses();
  const token360 = (baseURL: string, models: string[]) => ({
    type: 'openai-compatible',
    preset: 'token360',
    baseURL,
    apiKey: PROVIDER_KEY,
    models,
  });
  gateway = await startGateway({
    config: {
      providers: {
        billed: token360(upstream.baseURL('billed', 'billed'), ['glm-5.1', 'glm-4.5v']),
        unbilled: token360(upstream.baseURL('unbilled', 'unbilled'), ['glm-5.1']),
        badkey: token360(upstream.baseURL('badkey', 'bad-key'), ['glm-5.1']),
        broke: token360(upstream.baseURL('broke', 'no-balance'), ['glm-5.1']),
        good: token360(upstream.baseURL('good', 'billed'), ['glm-5.1']),
        gone: token360(refusedURL, ['glm-5.1']),
      },
      models: {
        'glm-5.1': { deployments: ['billed/glm-5.1'] },
        'glm-4.5v': { deployments: ['billed/glm-4.5v'] },
        priced: { deployments: ['unbilled/glm-5.1'] },
        'bad-key': { deployments: ['badkey/glm-5.1'] },
        'bad-key-then-good': { deployments: ['badkey/glm-5.1', 'good/glm-5.1'] },
        'no-balance': { deployments: ['broke/glm-5.1'] },
        gone: { deployments: ['gone/glm-5.1'] },
      },
      routing: { retries: 2, backoff: { initialMs: 1, maxMs: 5 } },
    },
  });
  client = new OpenAI({ baseURL: `${gateway.url}/v1`, apiKey: gateway.adminKey, maxRetries: 0 });
});

afterAll(async () => {
  await gateway?.stop();
  await upstream?.close();
  if (gateway) removeDir(gateway.dataDir);
});

const hello = [{ role: 'user' as const, content: 'Reply with the exact text: Hello from Token360.' }];

/** The ledger row of a request, read from the gateway's SQLite file as another process would. */
function ledgerRowOf(requestId: string): { cost: number; cost_source: string } | undefined {
  const db = new Database(join(gateway.dataDir, DATABASE_FILE), { readonly: true });
  try {
    return db.prepare('SELECT cost, cost_source FROM ledger WHERE request_id = ?').get(requestId) as
      | { cost: number; cost_source: string }
      | undefined;
  } finally {
    db.close();
  }
}

/** Token360's bill reached the client unchanged, and the ledger recorded it as the upstream's. */
function expectBilledAsIs(usage: unknown, response: Response): void {
  expect(usage).toStrictEqual(TOKEN360_BILLED_USAGE);
  expect(ledgerRowOf(response.headers.get('x-request-id')!)).toStrictEqual({
    cost: TOKEN360_COST,
    cost_source: 'upstream',
  });
}

async function metric(line: string): Promise<number> {
  const text = await (await gateway.fetch('/metrics', { key: null })).text();
  const found = text.split('\n').find((l) => l.startsWith(line));
  return found ? Number(found.split(' ').at(-1)) : 0;
}

describe('Token360: the upstream cost is the cost', () => {
  it.each(['glm-5.1', 'glm-4.5v'])(
    'non-stream %s: usage.cost and cost_details come back as Token360 billed them, and the ledger records them as upstream',
    async (model) => {
      const { data, response } = await client.chat.completions
        .create({ model, messages: hello })
        .withResponse();
      expectBilledAsIs(data.usage, response);
    },
  );

  it('stream: the usage chunk carries the billed cost unchanged', async () => {
    const { data: stream, response } = await client.chat.completions
      .create({ model: 'glm-5.1', messages: hello, stream: true, stream_options: { include_usage: true } })
      .withResponse();
    let usage: OpenAI.CompletionUsage | null | undefined;
    let text = '';
    for await (const chunk of stream) {
      text += chunk.choices[0]?.delta.content ?? '';
      if (chunk.usage) usage = chunk.usage;
    }
    expect(text).toBe('Hello from Token360.');
    expectBilledAsIs(usage, response);
  });

  it('an upstream that reports no cost is priced from the price table, and its disagreeing cost_details is dropped', async () => {
    // glm-5.1 at the catalogue's Zhipu list price (Token360's catalogue provider), in whole nano-USD.
    const listed = calcPrice({ input_tokens: 57, output_tokens: 7 }, 'glm-5.1', { providerId: 'zhipuai' });
    const priced = Math.round((listed?.total_price ?? Number.NaN) * 1e9) / 1e9;
    const { data, response } = await client.chat.completions
      .create({ model: 'priced', messages: hello })
      .withResponse();
    // `cost` is a gateway extension the SDK's types do not know.
    expect((data.usage as { cost?: number } | undefined)?.cost).toBe(priced);
    expect(data.usage).not.toHaveProperty('cost_details');
    expect(ledgerRowOf(response.headers.get('x-request-id')!)?.cost_source).toBe('price_table');

    const stream = await client.chat.completions.create({
      model: 'priced',
      messages: hello,
      stream: true,
      stream_options: { include_usage: true },
    });
    let usage: OpenAI.CompletionUsage | null | undefined;
    for await (const chunk of stream) if (chunk.usage) usage = chunk.usage;
    expect((usage as { cost?: number } | undefined)?.cost).toBe(priced);
    expect(usage).not.toHaveProperty('cost_details');
  });
});

describe('Token360: thinking', () => {
  it('thinking {"type":"auto"} reaches Token360 as sent, stream and non-stream', async () => {
    const before = upstream.received('billed').length;
    const thinking = { thinking: { type: 'auto' } } as Record<string, unknown>;
    await client.chat.completions.create({ model: 'glm-5.1', messages: hello, ...thinking });
    const stream = await client.chat.completions.create({
      model: 'glm-5.1',
      messages: hello,
      stream: true,
      ...thinking,
    });
    for await (const _ of stream);
    const sent = upstream.received('billed').slice(before);
    expect(sent.map((body) => body.thinking)).toStrictEqual([{ type: 'auto' }, { type: 'auto' }]);
  });
});

describe("Token360: a rejected provider key is not the caller's bad key", () => {
  it('upstream 401: a 502 upstream_auth_failed naming the provider, no AuthenticationError, no retry, one error log line, counted in /metrics', async () => {
    const patient = new OpenAI({ baseURL: `${gateway.url}/v1`, apiKey: gateway.adminKey, maxRetries: 2 });
    const hits = upstream.received('badkey').length;
    const counted = await metric(
      'switchyard_upstream_errors_total{deployment="badkey/glm-5.1",code="upstream_auth_failed"}',
    );
    const error = await patient.chat.completions
      .create({ model: 'bad-key', messages: hello })
      .catch((e: unknown) => e);
    expect(error).not.toBeInstanceOf(OpenAI.AuthenticationError);
    expect(error).toBeInstanceOf(OpenAI.InternalServerError);
    const apiError = error as InstanceType<typeof OpenAI.InternalServerError>;
    expect(apiError.status).toBe(502);
    expect(apiError.code).toBe('upstream_auth_failed');
    expect(apiError.type).toBe('server_error');
    expect(apiError.headers?.get('x-should-retry')).toBe('false');
    expect(apiError.message).toContain("Provider 'badkey' rejected the API key this server uses");
    expect(apiError.message).toContain('operator must fix the key');
    expect(apiError.message).not.toContain(PROVIDER_KEY);
    expect(apiError.message).not.toContain(new URL(upstream.url).host);
    // Neither the gateway (retries: 2) nor the SDK (maxRetries: 2) tried the refused key again.
    expect(upstream.received('badkey').length - hits).toBe(1);
    expect(
      await metric(
        'switchyard_upstream_errors_total{deployment="badkey/glm-5.1",code="upstream_auth_failed"}',
      ),
    ).toBe(counted + 1);
    const requestId = apiError.requestID!;
    const operatorLines = () =>
      gateway
        .stdout()
        .split('\n')
        .filter((l) => l.includes(requestId) && l.includes('"level":"error"'))
        .filter((l) => l.includes("refused the gateway's key or account"));
    // The log line is written asynchronously: it may reach stdout just after the answer.
    await vi.waitFor(() => expect(operatorLines()).toHaveLength(1), { timeout: 5_000 });
    expect(operatorLines()[0]).toContain('Incorrect API key provided');
    expect(gateway.stdout()).not.toContain(PROVIDER_KEY);
  });

  it('stream: the same 502 before the first byte', async () => {
    const error = await client.chat.completions
      .create({ model: 'bad-key', messages: hello, stream: true })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(OpenAI.InternalServerError);
    expect((error as InstanceType<typeof OpenAI.APIError>).code).toBe('upstream_auth_failed');
  });

  it('falls back to another deployment of the route', async () => {
    const hits = upstream.received('badkey').length;
    const { data, response } = await client.chat.completions
      .create({ model: 'bad-key-then-good', messages: hello })
      .withResponse();
    expect(data.choices[0]?.message.content).toBe('Hello from Token360.');
    expect(response.headers.get('x-switchyard-deployment')).toBe('good/glm-5.1');
    expect(upstream.received('badkey').length - hits).toBe(1);
  });

  it('upstream 402 (no balance, x-should-retry: false): a 502 upstream_insufficient_quota naming the provider', async () => {
    const hits = upstream.received('broke').length;
    const response = await gateway.fetch('/v1/chat/completions', {
      method: 'POST',
      body: JSON.stringify({ model: 'no-balance', messages: hello }),
    });
    expect(response.status).toBe(502);
    expect(response.headers.get('x-should-retry')).toBe('false');
    const { error } = (await response.json()) as { error: { code: string; type: string; message: string } };
    expect(error.code).toBe('upstream_insufficient_quota');
    expect(error.type).toBe('server_error');
    expect(error.message).toContain("Provider 'broke'");
    expect(upstream.received('broke').length - hits).toBe(1);
  });

  it("a refused connection names the provider, never the upstream's host and port", async () => {
    const error = await client.chat.completions
      .create({ model: 'gone', messages: hello })
      .catch((e: unknown) => e);
    const apiError = error as InstanceType<typeof OpenAI.APIError>;
    expect(apiError.status).toBe(502);
    expect(apiError.message).toContain("provider 'gone'");
    expect(apiError.message).not.toContain(new URL(refusedURL).host);
    // The address is in the gateway's own log instead.
    expect(gateway.stdout()).toContain(new URL(refusedURL).port);
  });
});

describe("the gateway's own 401", () => {
  it("is OpenAI's: invalid_request_error / invalid_api_key, an AuthenticationError in the SDK", async () => {
    const stranger = new OpenAI({ baseURL: `${gateway.url}/v1`, apiKey: 'sk-sy-not-a-key', maxRetries: 0 });
    const error = await stranger.chat.completions
      .create({ model: 'glm-5.1', messages: hello })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(OpenAI.AuthenticationError);
    const apiError = error as InstanceType<typeof OpenAI.AuthenticationError>;
    expect(apiError.type).toBe('invalid_request_error');
    expect(apiError.code).toBe('invalid_api_key');
  });
});
