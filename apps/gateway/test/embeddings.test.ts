import { once } from 'node:events';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import OpenAI from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DATABASE_FILE } from '../src/config/resolve-config.js';
import { createKey, type RunningGateway, removeDir, startGateway } from './support/gateway-process.js';

// A mock OpenAI-compatible upstream: `text-embedding-3-small` answers, `broken-embed` fails (503).
let mock: Server;
let mockBodies: Record<string, unknown>[] = [];
let gateway: RunningGateway;
let client: OpenAI;

beforeAll(async () => {
  mock = createServer(async (req, res) => {
    let text = '';
    for await (const piece of req) text += piece;
    res.setHeader('content-type', 'application/json');
    if (req.url === '/v1/models') {
      res.end(JSON.stringify({ object: 'list', data: [] }));
      return;
    }
    const body = JSON.parse(text) as { model: string; input: string[] };
    mockBodies.push(body);
    if (body.model === 'broken-embed') {
      res.statusCode = 503;
      res.end(JSON.stringify({ error: { message: 'overloaded', type: 'server_error' } }));
      return;
    }
    res.end(
      JSON.stringify({
        object: 'list',
        data: body.input.map((_, index) => ({ object: 'embedding', index, embedding: [0.6, 0.8] })),
        model: body.model,
        usage: { prompt_tokens: 7, total_tokens: 7 },
      }),
    );
  });
  mock.listen(0, '127.0.0.1');
  await once(mock, 'listening');
  const baseURL = `http://127.0.0.1:${(mock.address() as AddressInfo).port}/v1`;
  gateway = await startGateway({
    config: {
      providers: {
        mockai: { type: 'openai-compatible', baseURL, apiKey: 'sk-mock', models: ['text-embedding-3-small'] },
        simulator: { type: 'simulator' },
      },
      models: { 'embed-fallback': { deployments: ['mockai/broken-embed', 'simulator/simulator/embed'] } },
      routing: { retries: 0 },
    },
  });
  client = new OpenAI({ baseURL: `${gateway.url}/v1`, apiKey: gateway.adminKey, maxRetries: 0 });
});
afterAll(async () => {
  await gateway?.stop();
  mock?.close();
  if (gateway) removeDir(gateway.dataDir);
});

interface LedgerRow {
  route: string;
  model: string;
  deployment: string | null;
  prompt_tokens: number;
  status: number;
  usage_estimated: number;
}

/** The request's ledger row, read from the gateway's SQLite file as another process would. */
function ledgerRowOf(requestId: string): LedgerRow | undefined {
  const db = new Database(join(gateway.dataDir, DATABASE_FILE), { readonly: true });
  try {
    return db
      .prepare(
        'SELECT route, model, deployment, prompt_tokens, status, usage_estimated FROM ledger WHERE request_id = ?',
      )
      .get(requestId) as LedgerRow | undefined;
  } finally {
    db.close();
  }
}

const norm = (vector: readonly number[]) => Math.hypot(...vector);

describe('POST /v1/embeddings with the openai SDK', () => {
  it('simulator/embed: unit vectors, the same as floats and as base64 (the SDK default), dimensions honoured', async () => {
    const floats = await client.embeddings.create({
      model: 'simulator/embed',
      input: ['the cat sat', 'on the mat'],
      encoding_format: 'float',
    });
    expect(floats.data).toHaveLength(2);
    expect(floats.data[0]!.embedding).toHaveLength(256);
    expect(norm(floats.data[0]!.embedding)).toBeCloseTo(1, 6);
    expect(floats.usage.prompt_tokens).toBeGreaterThan(0);

    const { data, response } = await client.embeddings
      .create({ model: 'simulator/embed', input: ['the cat sat', 'on the mat'] })
      .withResponse();
    for (const [i, value] of data.data[0]!.embedding.entries()) {
      expect(value).toBeCloseTo(floats.data[0]!.embedding[i]!, 6);
    }
    const row = ledgerRowOf(response.headers.get('x-request-id')!);
    expect(row).toMatchObject({
      route: 'embeddings',
      model: 'simulator/embed',
      status: 200,
      prompt_tokens: floats.usage.prompt_tokens,
    });
    const metrics = await (await gateway.fetch('/metrics', { key: null })).text();
    expect(metrics).toMatch(
      /^switchyard_requests_total\{[^}]*model="simulator\/embed"[^}]*status="200"[^}]*\} [1-9]/m,
    );

    const short = await client.embeddings.create({
      model: 'simulator/embed',
      input: 'the cat sat',
      dimensions: 8,
    });
    expect(short.data[0]!.embedding).toHaveLength(8);
    expect(norm(short.data[0]!.embedding)).toBeCloseTo(1, 5);
  });

  it('an OpenAI-compatible upstream gets the request as it was sent; usage and the ledger row follow its answer', async () => {
    mockBodies = [];
    const { data, response } = await client.embeddings
      .create({
        model: 'mockai/text-embedding-3-small',
        input: ['a', 'b'],
        dimensions: 2,
        encoding_format: 'float',
      })
      .withResponse();
    expect(mockBodies).toStrictEqual([
      { model: 'text-embedding-3-small', input: ['a', 'b'], dimensions: 2, encoding_format: 'float' },
    ]);
    expect(data).toMatchObject({ model: 'mockai/text-embedding-3-small', usage: { prompt_tokens: 7 } });
    expect(data.data.map((d) => d.embedding)).toEqual([
      [0.6, 0.8],
      [0.6, 0.8],
    ]);
    expect(response.headers.get('x-switchyard-deployment')).toBe('mockai/text-embedding-3-small');
    expect(ledgerRowOf(response.headers.get('x-request-id')!)).toMatchObject({
      deployment: 'mockai/text-embedding-3-small',
      prompt_tokens: 7,
      status: 200,
      usage_estimated: 0,
    });
  });

  it('falls back to the next deployment when one fails', async () => {
    const { data, response } = await client.embeddings
      .create({ model: 'embed-fallback', input: 'hello', encoding_format: 'float' })
      .withResponse();
    expect(data.data[0]!.embedding).toHaveLength(256);
    expect(response.headers.get('x-switchyard-deployment')).toBe('simulator/embed');
  });

  it('refuses a chat model for embeddings and the embedding model for chat (400, param model)', async () => {
    const wrongWay = await client.embeddings
      .create({ model: 'simulator/echo', input: 'hi' })
      .catch((e: unknown) => e);
    expect(wrongWay).toBeInstanceOf(OpenAI.BadRequestError);
    expect((wrongWay as InstanceType<typeof OpenAI.BadRequestError>).param).toBe('model');
    expect((wrongWay as Error).message).toContain('does not embed');
    const otherWay = await client.chat.completions
      .create({ model: 'simulator/embed', messages: [{ role: 'user', content: 'hi' }] })
      .catch((e: unknown) => e);
    expect(otherWay).toBeInstanceOf(OpenAI.BadRequestError);
    expect((otherWay as Error).message).toContain('is an embedding model');
  });

  it('bad input, keys scoped to other models, and rate limits get the OpenAI envelope', async () => {
    const bad = await gateway.fetch('/v1/embeddings', {
      method: 'POST',
      body: JSON.stringify({ model: 'simulator/embed', input: [] }),
    });
    expect(bad.status).toBe(400);
    expect(await bad.json()).toMatchObject({ error: { param: 'input', code: 'invalid_request' } });
    const anonymous = await gateway.fetch('/v1/embeddings', { method: 'POST', key: null, body: '{}' });
    expect(anonymous.status).toBe(401);

    const scoped = await createKey(gateway, { name: 'chat-only', allowed_models: ['simulator/echo'] });
    const hidden = await gateway.fetch('/v1/embeddings', {
      method: 'POST',
      key: scoped,
      body: JSON.stringify({ model: 'simulator/embed', input: 'hi' }),
    });
    expect(hidden.status).toBe(404);

    const limited = await createKey(gateway, { name: 'one-a-minute', rpm: 1 });
    const call = () =>
      gateway.fetch('/v1/embeddings', {
        method: 'POST',
        key: limited,
        body: JSON.stringify({ model: 'simulator/embed', input: 'hi' }),
      });
    expect((await call()).status).toBe(200);
    const second = await call();
    expect(second.status).toBe(429);
    expect(second.headers.get('retry-after')).toBeTruthy();
  });
});
