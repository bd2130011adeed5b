import { join } from 'node:path';
import Database from 'better-sqlite3';
import OpenAI from 'openai';
import type { FunctionTool, ResponseInputItem } from 'openai/resources/responses/responses';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DATABASE_FILE } from '../src/config/resolve-config.js';
import { createKey, type RunningGateway, removeDir, startGateway } from './support/gateway-process.js';
import { freshDatabase, skipNote, skipWithout } from './support/services.js';

let gateway: RunningGateway;
let client: OpenAI;
let other: OpenAI;

beforeAll(async () => {
  gateway = await startGateway();
  client = new OpenAI({ baseURL: `${gateway.url}/v1`, apiKey: gateway.adminKey, maxRetries: 0 });
  other = new OpenAI({
    baseURL: `${gateway.url}/v1`,
    apiKey: await createKey(gateway, { name: 'someone-else' }),
    maxRetries: 0,
  });
});
afterAll(async () => {
  await gateway?.stop();
  if (gateway) removeDir(gateway.dataDir);
});

const weather: FunctionTool = {
  type: 'function',
  name: 'get_weather',
  description: 'Current weather for a city',
  strict: true,
  parameters: {
    type: 'object',
    properties: { city: { type: 'string' } },
    required: ['city'],
    additionalProperties: false,
  },
};

/** The `route` of a request's ledger row, read from the gateway's SQLite file. */
function ledgerRouteOf(requestId: string): string | undefined {
  const db = new Database(join(gateway.dataDir, DATABASE_FILE), { readonly: true });
  try {
    const row = db.prepare('SELECT route FROM ledger WHERE request_id = ?').get(requestId) as
      | { route: string }
      | undefined;
    return row?.route;
  } finally {
    db.close();
  }
}

describe('POST /v1/responses with the openai SDK', () => {
  it('create: text, usage, a stored response, and a ledger row recording the door', async () => {
    const { data, response } = await client.responses
      .create({ model: 'simulator/echo', instructions: 'Repeat.', input: 'Bonjour, monde' })
      .withResponse();
    expect(data).toMatchObject({ object: 'response', status: 'completed', model: 'simulator/echo' });
    expect(data.id).toMatch(/^resp_/);
    expect(data.output_text).toBe('Bonjour, monde');
    expect(data.usage).toMatchObject({ input_tokens: expect.any(Number), output_tokens: expect.any(Number) });
    expect(ledgerRouteOf(response.headers.get('x-request-id')!)).toBe('responses');
    expect(await client.responses.retrieve(data.id)).toMatchObject({
      id: data.id,
      output_text: 'Bonjour, monde',
    });
  });

  it('stream: every event numbered in order, accumulated by the SDK to the same answer', async () => {
    const stream = client.responses.stream({ model: 'simulator/echo', input: 'stream these five words' });
    const types: string[] = [];
    const sequence: number[] = [];
    for await (const event of stream) {
      types.push(event.type);
      sequence.push(event.sequence_number);
    }
    const final = await stream.finalResponse();
    expect(final.output_text).toBe('stream these five words');
    expect(final.status).toBe('completed');
    expect(sequence).toEqual(sequence.map((_, i) => i));
    expect(types.slice(0, 4)).toEqual([
      'response.created',
      'response.in_progress',
      'response.output_item.added',
      'response.content_part.added',
    ]);
    expect(types.slice(-4)).toEqual([
      'response.output_text.done',
      'response.content_part.done',
      'response.output_item.done',
      'response.completed',
    ]);
    expect((await client.responses.retrieve(final.id)).output_text).toBe('stream these five words');
  });

  it('a function tool round trip by previous_response_id, streamed', async () => {
    const first = await client.responses
      .stream({ model: 'simulator/echo', input: 'What is the weather in Paris?', tools: [weather] })
      .finalResponse();
    const call = first.output.find((item) => item.type === 'function_call');
    expect(call).toMatchObject({ type: 'function_call', name: 'get_weather', status: 'completed' });
    if (call?.type !== 'function_call') throw new Error('no function call');
    expect(JSON.parse(call.arguments)).toEqual({ city: expect.any(String) });
    const second = await client.responses.create({
      model: 'simulator/echo',
      previous_response_id: first.id,
      input: [{ type: 'function_call_output', call_id: call.call_id, output: '{"temperature":21}' }],
      tools: [weather],
    });
    expect(second.output_text).toContain('21');
    expect(second.previous_response_id).toBe(first.id);
  });

  it('a function tool round trip by sending the whole input back', async () => {
    const input: ResponseInputItem[] = [{ role: 'user', content: 'What is the weather in Rome?' }];
    const first = await client.responses.create({
      model: 'simulator/echo',
      input,
      tools: [weather],
      store: false,
    });
    // The whole output is the one call: it goes back as it came.
    const [call] = first.output;
    if (first.output.length !== 1 || call?.type !== 'function_call')
      throw new Error('expected one function call');
    const second = await client.responses.create({
      model: 'simulator/echo',
      input: [...input, call, { type: 'function_call_output', call_id: call.call_id, output: 'sunny, 25C' }],
      tools: [weather],
      store: false,
    });
    expect(second.output_text).toContain('sunny, 25C');
    // store: false keeps nothing.
    await expect(client.responses.retrieve(second.id)).rejects.toBeInstanceOf(OpenAI.NotFoundError);
  });

  it('text.format json_schema: output that validates against the schema', async () => {
    const response = await client.responses.create({
      model: 'simulator/echo',
      input: 'Describe a city',
      text: {
        format: {
          type: 'json_schema',
          name: 'city',
          strict: true,
          schema: {
            type: 'object',
            properties: { name: { type: 'string' }, population: { type: 'integer' } },
            required: ['name', 'population'],
            additionalProperties: false,
          },
        },
      },
    });
    const parsed = JSON.parse(response.output_text) as Record<string, unknown>;
    expect(Object.keys(parsed).sort()).toEqual(['name', 'population']);
    expect(typeof parsed.name).toBe('string');
    expect(Number.isInteger(parsed.population)).toBe(true);
  });

  it('a reasoning summary from simulator/thinker, whole and streamed', async () => {
    const whole = await client.responses.create({
      model: 'simulator/thinker',
      input: 'hello there',
      reasoning: { summary: 'auto' },
    });
    expect(whole.output.map((item) => item.type)).toEqual(['reasoning', 'message']);
    const reasoning = whole.output[0];
    if (reasoning?.type !== 'reasoning') throw new Error('no reasoning');
    expect(reasoning.summary[0]?.text.length).toBeGreaterThan(0);
    expect(whole.usage?.output_tokens_details.reasoning_tokens).toBeGreaterThan(0);

    const stream = client.responses.stream({ model: 'simulator/thinker', input: 'hello there' });
    let summary = '';
    stream.on('response.reasoning_summary_text.delta', (event) => {
      summary += event.delta;
    });
    const final = await stream.finalResponse();
    expect(summary).toBe(reasoning.summary[0]?.text);
    expect(final.output_text).toBe(whole.output_text);
  });

  it('retrieve, input_items and delete; another key gets 404 for the same id', async () => {
    const created = await client.responses.create({
      model: 'simulator/echo',
      input: [{ role: 'user', content: [{ type: 'input_text', text: 'keep me' }] }],
    });
    const items = await client.responses.inputItems.list(created.id);
    expect(items.data).toMatchObject([
      { type: 'message', role: 'user', content: [{ type: 'input_text', text: 'keep me' }] },
    ]);

    await expect(other.responses.retrieve(created.id)).rejects.toBeInstanceOf(OpenAI.NotFoundError);
    await expect(other.responses.inputItems.list(created.id)).rejects.toBeInstanceOf(OpenAI.NotFoundError);
    await expect(other.responses.delete(created.id)).rejects.toBeInstanceOf(OpenAI.NotFoundError);
    const continued = await other.responses
      .create({ model: 'simulator/echo', previous_response_id: created.id, input: 'and?' })
      .catch((e: unknown) => e);
    expect(continued).toBeInstanceOf(OpenAI.NotFoundError);
    expect((continued as InstanceType<typeof OpenAI.NotFoundError>).param).toBe('previous_response_id');

    await client.responses.delete(created.id);
    await expect(client.responses.retrieve(created.id)).rejects.toBeInstanceOf(OpenAI.NotFoundError);
  });

  it('bad input: the OpenAI envelope naming the param', async () => {
    const error = await client.responses
      .create({ model: 'simulator/echo', input: 'x', tools: [{ type: 'web_search' }] })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(OpenAI.BadRequestError);
    expect((error as InstanceType<typeof OpenAI.BadRequestError>).param).toBe('tools[0].type');
    const embedding = await client.responses
      .create({ model: 'simulator/embed', input: 'x' })
      .catch((e: unknown) => e);
    expect(embedding).toBeInstanceOf(OpenAI.BadRequestError);
    expect((embedding as Error).message).toContain('is an embedding model');
  });
});

describe('stored responses expire after responses.retentionSeconds', () => {
  it('a response is gone once its retention passed', async () => {
    const short = await startGateway({ config: { responses: { retentionSeconds: 2 } } });
    try {
      const sdk = new OpenAI({ baseURL: `${short.url}/v1`, apiKey: short.adminKey, maxRetries: 0 });
      // The first answer loads the simulator's tokenizer: not part of the measured retention.
      await sdk.responses.create({ model: 'simulator/echo', input: 'warm up', store: false });
      const created = await sdk.responses.create({ model: 'simulator/echo', input: 'brief' });
      expect((await sdk.responses.retrieve(created.id)).id).toBe(created.id);
      await new Promise((resolve) => setTimeout(resolve, 2_100));
      await expect(sdk.responses.retrieve(created.id)).rejects.toBeInstanceOf(OpenAI.NotFoundError);
    } finally {
      await short.stop();
      removeDir(short.dataDir);
    }
  }, 30_000);
});

describe.skipIf(skipWithout('postgres'))(
  `stored responses in PostgreSQL (storage.url)${skipNote('postgres')}`,
  () => {
    it('a response created through one instance is read and continued through another', async () => {
      const db = await freshDatabase();
      const env = {
        SWITCHYARD_STORAGE_URL: db.url,
        SWITCHYARD_ADMIN_KEY: 'sk-sy-admin-responses-postgres-test',
      };
      const [a, b] = await Promise.all([startGateway({ env }), startGateway({ env })]);
      try {
        const sdk = (g: RunningGateway) =>
          new OpenAI({ baseURL: `${g.url}/v1`, apiKey: env.SWITCHYARD_ADMIN_KEY, maxRetries: 0 });
        const first = await sdk(a).responses.create({
          model: 'simulator/echo',
          input: 'What is the weather in Oslo?',
          tools: [weather],
        });
        const call = first.output.find((item) => item.type === 'function_call');
        if (call?.type !== 'function_call') throw new Error('no function call');
        expect((await sdk(b).responses.retrieve(first.id)).id).toBe(first.id);
        const second = await sdk(b).responses.create({
          model: 'simulator/echo',
          previous_response_id: first.id,
          input: [{ type: 'function_call_output', call_id: call.call_id, output: 'snow, -3C' }],
          tools: [weather],
        });
        expect(second.output_text).toContain('snow, -3C');
      } finally {
        await Promise.all([a.stop(), b.stop()]);
        removeDir(a.dataDir);
        removeDir(b.dataDir);
        await db.drop();
      }
    });
  },
);
