import OpenAI from 'openai';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { createKey, type RunningGateway, removeDir, startGateway } from './support/gateway-process.js';

let gateway: RunningGateway;
let client: OpenAI;

beforeAll(async () => {
  gateway = await startGateway();
  client = new OpenAI({ baseURL: `${gateway.url}/v1`, apiKey: gateway.adminKey, maxRetries: 0 });
});
afterAll(async () => {
  await gateway?.stop();
  if (gateway) removeDir(gateway.dataDir);
});

const weatherTool = {
  type: 'function',
  function: {
    name: 'get_weather',
    description: 'Current weather for a city',
    parameters: {
      type: 'object',
      properties: { city: { type: 'string' }, unit: { type: 'string', enum: ['c', 'f'] } },
      required: ['city', 'unit'],
      additionalProperties: false,
    },
  },
} as const;

/** A metric's value; throws when the gateway does not export it (a missing line is not a zero). */
async function metric(name: string): Promise<number> {
  const text = await (await gateway.fetch('/metrics', { key: null })).text();
  const line = text.split('\n').find((l) => l.startsWith(`${name} `) || l.startsWith(`${name}{`));
  if (!line) throw new Error(`/metrics has no ${name}`);
  return Number(line.split(' ').at(-1));
}

describe('openai SDK 6 against the running gateway', () => {
  it('non-stream: answer, usage with cost, and the raw response headers', async () => {
    const { data, response } = await client.chat.completions
      .create({ model: 'simulator/echo', messages: [{ role: 'user', content: 'Bonjour, monde' }] })
      .withResponse();
    expect(data.choices[0]?.message).toMatchObject({ role: 'assistant', content: 'Bonjour, monde' });
    expect(data.choices[0]?.finish_reason).toBe('stop');
    expect(data.usage).toMatchObject({ total_tokens: expect.any(Number), cost: 0 });
    expect(response.headers.get('x-switchyard-deployment')).toBe('simulator/echo');
    expect(response.headers.get('x-switchyard-overhead-ms')).toMatch(/^\d+(\.\d+)?$/);
  });

  it('stream: the chunks add up to the non-stream answer, with a final usage chunk', async () => {
    const stream = await client.chat.completions.create({
      model: 'simulator/echo',
      messages: [{ role: 'user', content: 'stream these five words' }],
      stream: true,
      stream_options: { include_usage: true },
    });
    let text = '';
    let usage: OpenAI.CompletionUsage | null | undefined;
    for await (const chunk of stream) {
      text += chunk.choices[0]?.delta.content ?? '';
      if (chunk.usage) usage = chunk.usage;
    }
    expect(text).toBe('stream these five words');
    expect(usage?.completion_tokens).toBeGreaterThan(0);
  });

  it('tools: a streamed tool call that the SDK helper assembles, then the answer from its result', async () => {
    const messages: OpenAI.ChatCompletionMessageParam[] = [
      { role: 'user', content: 'What is the weather in Paris?' },
    ];
    const runner = client.chat.completions.stream({
      model: 'simulator/echo',
      messages,
      tools: [weatherTool],
    });
    const first = await runner.finalChatCompletion();
    const call = first.choices[0]?.message.tool_calls?.[0];
    expect(first.choices[0]?.finish_reason).toBe('tool_calls');
    expect(call?.type).toBe('function');
    const args = JSON.parse(call?.type === 'function' ? call.function.arguments : '{}') as Record<
      string,
      unknown
    >;
    expect(typeof args.city).toBe('string');
    expect(['c', 'f']).toContain(args.unit);
    messages.push(first.choices[0]!.message, {
      role: 'tool',
      tool_call_id: call!.id,
      content: '18°C and sunny',
    });
    const second = await client.chat.completions.create({
      model: 'simulator/echo',
      messages,
      tools: [weatherTool],
    });
    expect(second.choices[0]?.message.content).toContain('18°C and sunny');
  });

  it('json_schema: the answer parses and matches the schema', async () => {
    const completion = await client.chat.completions.create({
      model: 'simulator/echo',
      messages: [{ role: 'user', content: 'Describe a city' }],
      response_format: {
        type: 'json_schema',
        json_schema: {
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
    const value = JSON.parse(completion.choices[0]?.message.content ?? '') as {
      name: unknown;
      population: unknown;
    };
    expect(typeof value.name).toBe('string');
    expect(Number.isInteger(value.population)).toBe(true);
  });

  it('abort mid-stream: the SDK stops reading, the gateway records a 499 and closes the stream', async () => {
    // A key of its own, so that the 499 read back below is this request's.
    const aborting = new OpenAI({
      baseURL: `${gateway.url}/v1`,
      apiKey: await createKey(gateway, { name: 'aborting' }),
      maxRetries: 0,
    });
    const controller = new AbortController();
    const stream = await aborting.chat.completions.create(
      {
        model: 'simulator/babble',
        messages: [{ role: 'user', content: '[simulate:words=2000] [simulate:tps=200] go on' }],
        stream: true,
      },
      { signal: controller.signal },
    );
    let chunks = 0;
    // openai-node ends the iteration quietly when its own signal aborts the stream (after yielding
    // what it had already buffered); the whole answer would be about 2,000 chunks.
    for await (const _ of stream) {
      chunks += 1;
      if (chunks === 3) controller.abort();
    }
    expect(chunks).toBeLessThan(200);
    expect(stream.controller.signal.aborted).toBe(true);
    await vi.waitFor(async () => expect(await metric('switchyard_inflight_streams')).toBe(0), {
      timeout: 10_000,
      interval: 20,
    });
    const usage = (await (
      await gateway.fetch('/v1/usage?group_by=status', { key: aborting.apiKey })
    ).json()) as { totals: { requests: number }; groups: { key: string; requests: number }[] };
    expect(usage.totals.requests).toBe(1);
    expect(usage.groups).toEqual([expect.objectContaining({ key: '499', requests: 1 })]);
  });

  it('rate limit: RateLimitError with retry-after once the key is over its requests per minute', async () => {
    const limited = new OpenAI({
      baseURL: `${gateway.url}/v1`,
      apiKey: await createKey(gateway, { name: 'limited', rpm: 1 }),
      maxRetries: 0,
    });
    await limited.chat.completions.create({
      model: 'simulator/echo',
      messages: [{ role: 'user', content: 'one' }],
    });
    const error = await limited.chat.completions
      .create({ model: 'simulator/echo', messages: [{ role: 'user', content: 'two' }] })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(OpenAI.RateLimitError);
    const rateLimit = error as InstanceType<typeof OpenAI.RateLimitError>;
    expect(rateLimit.status).toBe(429);
    expect(Number(rateLimit.headers?.get('retry-after'))).toBeGreaterThan(0);
    expect(rateLimit.headers?.get('x-ratelimit-limit-requests')).toBe('1');
  });

  it('bad key: AuthenticationError; unknown model and a model the key may not use: the same NotFoundError', async () => {
    const bad = new OpenAI({ baseURL: `${gateway.url}/v1`, apiKey: 'sk-sy-not-a-key', maxRetries: 0 });
    await expect(bad.models.list()).rejects.toBeInstanceOf(OpenAI.AuthenticationError);
    const unknown = await client.chat.completions
      .create({ model: 'gpt-nonexistent', messages: [{ role: 'user', content: 'x' }] })
      .catch((e: unknown) => e);
    expect(unknown).toBeInstanceOf(OpenAI.NotFoundError);
    expect((unknown as InstanceType<typeof OpenAI.NotFoundError>).code).toBe('model_not_found');
    const scoped = new OpenAI({
      baseURL: `${gateway.url}/v1`,
      apiKey: await createKey(gateway, { name: 'scoped', allowed_models: ['simulator/thinker'] }),
      maxRetries: 0,
    });
    const hidden = await scoped.chat.completions
      .create({ model: 'simulator/echo', messages: [{ role: 'user', content: 'x' }] })
      .catch((e: unknown) => e);
    expect(hidden).toBeInstanceOf(OpenAI.NotFoundError);
    expect((hidden as InstanceType<typeof OpenAI.NotFoundError>).code).toBe('model_not_found');
    expect((await scoped.models.list()).data.map((m) => m.id)).toEqual(['simulator/thinker']);
  });

  it('an upstream failure before the first byte is a typed error the SDK can retry', async () => {
    const error = await client.chat.completions
      .create({
        model: 'simulator/echo',
        messages: [{ role: 'user', content: '[simulate:error=overloaded] hi' }],
      })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(OpenAI.InternalServerError);
  });
});
