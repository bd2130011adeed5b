import { join } from 'node:path';
import Anthropic, {
  APIError,
  APIUserAbortError,
  AuthenticationError,
  BadRequestError,
  InternalServerError,
  NotFoundError,
  RateLimitError,
} from '@anthropic-ai/sdk';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DATABASE_FILE } from '../src/config/resolve-config.js';
import { createKey, type RunningGateway, removeDir, startGateway } from './support/gateway-process.js';
import { MockAnthropicUpstream, recordedAnswer, recordedEvents } from './support/mock-anthropic-upstream.js';
import { MockUpstream } from './support/mock-upstream.js';

// Issue 17: the real Anthropic SDK against the gateway process, through the /v1/messages front
// door: translated to the simulator, and passed through natively to a mock Anthropic upstream
// that replays a recorded stream.

let upstream: MockAnthropicUpstream;
/** A mock OpenAI-compatible upstream: `down` answers 503, `compat` answers. */
let compat: MockUpstream;
let gateway: RunningGateway;
let client: Anthropic;

beforeAll(async () => {
  upstream = await new MockAnthropicUpstream().start();
  compat = await new MockUpstream().start();
  compat.behave('down', 'unavailable');
  const openaiCompatible = (name: string) => ({
    type: 'openai-compatible',
    baseURL: compat.baseURL(name),
    apiKey: `upstream-key-${name}-0123456789`,
    models: ['m'],
  });
  gateway = await startGateway({
    config: {
      providers: {
        compat: openaiCompatible('compat'),
        down: openaiCompatible('down'),
        anthropic: {
          type: 'anthropic',
          baseURL: upstream.baseURL,
          apiKey: 'sk-ant-provider-key-0123456789',
          models: ['claude-sonnet-4-5-20250929'],
        },
      },
      models: {
        'claude-sonnet-4-5': { deployments: ['anthropic/claude-sonnet-4-5-20250929'] },
        // Claude Code's model names mapped to another deployment: "Claude Code with any model".
        'claude-haiku-4-5': { deployments: ['simulator/thinker'] },
        'claude-opus-4-1': { deployments: ['down/m', 'compat/m'] },
      },
      routing: { retries: 0 },
      cache: { enabled: true, onlyDeterministic: true },
    },
  });
  client = new Anthropic({ baseURL: gateway.url, apiKey: gateway.adminKey, maxRetries: 0 });
});

afterAll(async () => {
  await gateway?.stop();
  await upstream?.close();
  await compat?.close();
  if (gateway) removeDir(gateway.dataDir);
});

/** The ledger row of a request, read from the gateway's SQLite file as another process would. */
function ledgerRow(requestId: string | null): Record<string, unknown> | undefined {
  const db = new Database(join(gateway.dataDir, DATABASE_FILE), { readonly: true });
  try {
    return db.prepare('SELECT * FROM ledger WHERE request_id = ?').get(requestId) as
      | Record<string, unknown>
      | undefined;
  } finally {
    db.close();
  }
}

async function eventually<T>(read: () => T | undefined): Promise<T> {
  for (let i = 0; i < 100; i++) {
    const value = read();
    if (value !== undefined) return value;
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  throw new Error('timed out');
}

const weatherTool = {
  name: 'get_weather',
  description: 'Current weather for a city',
  input_schema: {
    type: 'object' as const,
    properties: { city: { type: 'string' } },
    required: ['city'],
    additionalProperties: false,
  },
};

describe('Anthropic SDK, translated (simulator)', () => {
  it('messages.create: text, stop reason and usage, recorded in the ledger under the door', async () => {
    const { data, response } = await client.messages
      .create({
        model: 'simulator/echo',
        max_tokens: 100,
        messages: [{ role: 'user', content: 'Bonjour, monde' }],
      })
      .withResponse();
    expect(data.type).toBe('message');
    expect(data.content).toStrictEqual([{ type: 'text', text: 'Bonjour, monde' }]);
    expect(data.stop_reason).toBe('end_turn');
    expect(data.usage.input_tokens).toBeGreaterThan(0);
    expect(data.usage.output_tokens).toBeGreaterThan(0);
    const row = await eventually(() => ledgerRow(response.headers.get('x-request-id')));
    expect(row).toMatchObject({ model: 'simulator/echo', status: 200, stream: 0, route: 'messages' });
  });

  it('messages.stream: the SDK accumulates the text and the usage from message_delta', async () => {
    const stream = client.messages.stream({
      model: 'simulator/echo',
      max_tokens: 100,
      messages: [{ role: 'user', content: 'stream these five words' }],
    });
    const message = await stream.finalMessage();
    expect(message.content).toStrictEqual([{ type: 'text', text: 'stream these five words' }]);
    expect(message.usage.output_tokens).toBeGreaterThan(0);
    expect(message.usage.input_tokens).toBeGreaterThan(0);
  });

  it('a tool round trip: a streamed tool_use, then the answer from its tool_result', async () => {
    const messages: Anthropic.MessageParam[] = [{ role: 'user', content: 'What is the weather in Paris?' }];
    const first = await client.messages
      .stream({ model: 'simulator/echo', max_tokens: 200, messages, tools: [weatherTool] })
      .finalMessage();
    expect(first.stop_reason).toBe('tool_use');
    const call = first.content.find((block) => block.type === 'tool_use');
    expect(call).toMatchObject({
      type: 'tool_use',
      name: 'get_weather',
      input: { city: expect.any(String) },
    });
    messages.push(
      { role: 'assistant', content: first.content },
      {
        role: 'user',
        content: [
          {
            type: 'tool_result',
            tool_use_id: call?.type === 'tool_use' ? call.id : '',
            content: '18°C and sunny',
          },
        ],
      },
    );
    const second = await client.messages.create({
      model: 'simulator/echo',
      max_tokens: 200,
      messages,
      tools: [weatherTool],
    });
    expect(second.content[0]).toMatchObject({
      type: 'text',
      text: expect.stringContaining('18°C and sunny'),
    });
  });

  it('thinking with a budget, through a Claude model name aliased to another deployment', async () => {
    const message = await client.messages
      .stream({
        model: 'claude-haiku-4-5',
        max_tokens: 2048,
        thinking: { type: 'enabled', budget_tokens: 1024 },
        messages: [{ role: 'user', content: 'think about this' }],
      })
      .finalMessage();
    expect(message.content[0]).toMatchObject({
      type: 'thinking',
      thinking: expect.any(String),
      signature: '',
    });
    expect(message.content.at(-1)).toMatchObject({ type: 'text', text: 'think about this' });
  });

  it("Claude Code's shape: /v1/messages?beta=true with anthropic-beta", async () => {
    const message = await client.beta.messages.create({
      model: 'simulator/echo',
      max_tokens: 100,
      betas: ['interleaved-thinking-2025-05-14'],
      messages: [{ role: 'user', content: 'beta hello' }],
    });
    expect(message.content).toStrictEqual([{ type: 'text', text: 'beta hello' }]);
  });

  it("count_tokens: the simulator's own tokenizer, the same count as the answer's usage", async () => {
    const messages = [{ role: 'user' as const, content: 'count these words please' }];
    const counted = await client.messages.countTokens({ model: 'simulator/echo', messages });
    const answered = await client.messages.create({ model: 'simulator/echo', max_tokens: 10, messages });
    expect(counted.input_tokens).toBe(answered.usage.input_tokens);
  });
});

describe('Anthropic SDK, translated to an OpenAI-compatible upstream (mock)', () => {
  it('falls back past a 503, streams the answer and meters it under the door', async () => {
    const stream = client.messages.stream({
      model: 'claude-opus-4-1',
      max_tokens: 100,
      system: 'Be terse.',
      messages: [{ role: 'user', content: 'Hello' }],
    });
    const message = await stream.finalMessage();
    expect(message.content).toStrictEqual([{ type: 'text', text: 'answer from compat' }]);
    expect(message.usage).toMatchObject({ input_tokens: 5, output_tokens: 3 });
    expect(compat.last('compat').lastBody).toMatchObject({
      model: 'm',
      stream: true,
      max_tokens: 100,
      messages: [
        { role: 'system', content: 'Be terse.' },
        { role: 'user', content: 'Hello' },
      ],
    });
    const row = await eventually(() => ledgerRow(stream.request_id ?? null));
    expect(row).toMatchObject({
      route: 'messages',
      deployment: 'compat/m',
      prompt_tokens: 5,
      completion_tokens: 3,
    });
  });
});

describe('count_tokens where the upstream cannot count', () => {
  it('is the gateway estimate (about four characters per token)', async () => {
    const counted = await client.messages.countTokens({
      model: 'claude-opus-4-1',
      messages: [{ role: 'user', content: 'x'.repeat(400) }],
    });
    // 400 characters / 4, plus 4 tokens of framing for the one message.
    expect(counted).toStrictEqual({ input_tokens: 104 });
  });
});

describe('Anthropic SDK, errors in Anthropic shapes', () => {
  it('bad input: a 400 invalid_request_error naming the field, raised as BadRequestError', async () => {
    const error = await client.messages
      .create({ model: 'simulator/echo', messages: [{ role: 'user', content: 'hi' }] } as never)
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(BadRequestError);
    expect((error as BadRequestError).error).toMatchObject({
      type: 'error',
      error: {
        type: 'invalid_request_error',
        message: 'max_tokens must be a positive integer (got nothing)',
      },
    });
    expect((error as BadRequestError).requestID).toMatch(/^req_/);
  });

  it('a field the gateway cannot carry: a 400 naming it', async () => {
    const error = await client.messages
      .create({
        model: 'simulator/echo',
        max_tokens: 10,
        messages: [{ role: 'user', content: 'hi' }],
        tools: [{ type: 'web_search_20250305', name: 'web_search' }],
      })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(BadRequestError);
    expect((error as BadRequestError).message).toContain('tools[0].type is not supported');
  });

  it('a bad key: 401 AuthenticationError (x-api-key), and Authorization: Bearer works too', async () => {
    const bad = new Anthropic({ baseURL: gateway.url, apiKey: 'sk-not-a-key', maxRetries: 0 });
    const error = await bad.messages
      .create({ model: 'simulator/echo', max_tokens: 10, messages: [{ role: 'user', content: 'hi' }] })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(AuthenticationError);
    expect((error as AuthenticationError).error).toMatchObject({
      error: { type: 'authentication_error' },
    });
    const bearer = new Anthropic({
      baseURL: gateway.url,
      apiKey: null,
      authToken: gateway.adminKey,
      maxRetries: 0,
    });
    const ok = await bearer.messages.create({
      model: 'simulator/echo',
      max_tokens: 10,
      messages: [{ role: 'user', content: 'hi' }],
    });
    expect(ok.content[0]).toMatchObject({ type: 'text', text: 'hi' });
  });

  it('a rate limit: 429 RateLimitError with retry-after', async () => {
    const limited = new Anthropic({
      baseURL: gateway.url,
      apiKey: await createKey(gateway, { name: 'messages-rpm', rpm: 1 }),
      maxRetries: 0,
    });
    const ask = () =>
      limited.messages.create({
        model: 'simulator/echo',
        max_tokens: 10,
        messages: [{ role: 'user', content: 'hi' }],
      });
    await ask();
    const error = await ask().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(RateLimitError);
    expect((error as RateLimitError).error).toMatchObject({ error: { type: 'rate_limit_error' } });
    expect((error as RateLimitError).headers?.get('retry-after')).toMatch(/^\d+$/);
  });

  it('a spent budget: 429 RateLimitError', async () => {
    const broke = new Anthropic({
      baseURL: gateway.url,
      apiKey: await createKey(gateway, { name: 'messages-budget', budget_usd: 0 }),
      maxRetries: 0,
    });
    const error = await broke.messages
      .create({ model: 'claude-sonnet-4-5', max_tokens: 10, messages: [{ role: 'user', content: 'hi' }] })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(RateLimitError);
  });

  it('key scopes: a model the key may not use is a 404 NotFoundError (count_tokens too)', async () => {
    const scoped = new Anthropic({
      baseURL: gateway.url,
      apiKey: await createKey(gateway, { name: 'messages-scoped', allowed_models: ['simulator/echo'] }),
      maxRetries: 0,
    });
    const params = { model: 'claude-sonnet-4-5', messages: [{ role: 'user' as const, content: 'hi' }] };
    await expect(scoped.messages.create({ ...params, max_tokens: 10 })).rejects.toBeInstanceOf(NotFoundError);
    await expect(scoped.messages.countTokens(params)).rejects.toBeInstanceOf(NotFoundError);
  });
});

describe('Anthropic SDK, failures and stops (simulator)', () => {
  it('stop_sequences: the answer stops before the sequence', async () => {
    const message = await client.messages.create({
      model: 'simulator/echo',
      max_tokens: 100,
      stop_sequences: ['STOP'],
      messages: [{ role: 'user', content: 'one two STOP three' }],
    });
    expect(message.content).toStrictEqual([{ type: 'text', text: 'one two ' }]);
  });

  it('an upstream overload before the stream: 529 overloaded_error', async () => {
    const error = await client.messages
      .create({
        model: 'simulator/echo',
        max_tokens: 10,
        messages: [{ role: 'user', content: '[simulate:overloaded]' }],
      })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(InternalServerError);
    expect((error as InternalServerError).status).toBe(529);
    expect((error as InternalServerError).error).toMatchObject({ error: { type: 'overloaded_error' } });
  });

  it('a failure mid-stream: an error event the SDK raises, and a ledger row', async () => {
    const stream = client.messages.stream({
      model: 'simulator/echo',
      max_tokens: 100,
      messages: [{ role: 'user', content: '[simulate:midstream_error] one two three four five six' }],
    });
    const error = await stream.finalMessage().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(APIError);
    expect((error as APIError).error).toMatchObject({ type: 'error', error: { type: 'api_error' } });
    const row = await eventually(() => ledgerRow(stream.request_id ?? null));
    expect(row).toMatchObject({ route: 'messages', stream: 1 });
    expect(row.status).not.toBe(200);
  });

  it('abort mid-stream: the SDK stops reading and the gateway records a 499', async () => {
    const stream = client.messages.stream({
      model: 'simulator/babble',
      max_tokens: 4096,
      messages: [{ role: 'user', content: '[simulate:words=2000] [simulate:tps=200] go on' }],
    });
    let events = 0;
    const ended = await (async () => {
      for await (const _ of stream) {
        events += 1;
        if (events === 5) stream.abort();
      }
    })().catch((e: unknown) => e);
    expect(ended).toBeInstanceOf(APIUserAbortError);
    expect(events).toBeLessThan(200);
    const row = await eventually(() => {
      const found = ledgerRow(stream.request_id ?? null);
      return found?.status === 499 ? found : undefined;
    });
    expect(row).toMatchObject({ route: 'messages', status: 499 });
  });
});

describe('native passthrough to an Anthropic deployment (mock upstream replaying a recorded stream)', () => {
  const body = {
    model: 'claude-sonnet-4-5',
    max_tokens: 2048,
    stream: true,
    system: [{ type: 'text', text: 'Be terse.', cache_control: { type: 'ephemeral' } }],
    thinking: { type: 'enabled', budget_tokens: 1024 },
    // No place in the canonical request: forwarded, since every deployment passes through.
    context_management: { edits: [{ type: 'clear_thinking_20251015', keep: 'all' }] },
    messages: [
      { role: 'user', content: 'Multiply 185 by 5.' },
      {
        role: 'assistant',
        content: [
          { type: 'thinking', thinking: 'Easy.', signature: 'EqQBCgIYAhIM-earlier-signature' },
          { type: 'text', text: '925' },
        ],
      },
      {
        role: 'user',
        content: [{ type: 'text', text: 'Now divide by 5.', cache_control: { type: 'ephemeral' } }],
      },
    ],
  };

  it('relays the recorded stream event for event and forwards the body and anthropic-beta', async () => {
    const response = await fetch(`${gateway.url}/v1/messages?beta=true`, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        'x-api-key': gateway.adminKey,
        'anthropic-version': '2023-06-01',
        'anthropic-beta': 'interleaved-thinking-2025-05-14',
      },
      body: JSON.stringify(body),
    });
    expect(response.status).toBe(200);
    const text = await response.text();
    const frames = text
      .split('\n\n')
      .filter((frame) => frame !== '' && !frame.startsWith(':'))
      .map((frame) => frame.split('\n'));
    const recorded = recordedEvents('anthropic-clear-thinking.1.chunks.txt');
    expect(frames).toStrictEqual(
      recorded.map((line) => [`event: ${JSON.parse(line).type}`, `data: ${line}`]),
    );

    const sent = upstream.last();
    expect(sent?.body).toStrictEqual({ ...body, model: 'claude-sonnet-4-5-20250929' });
    expect(sent?.headers['anthropic-beta']).toBe('interleaved-thinking-2025-05-14');
    expect(sent?.headers['x-api-key']).toBe('sk-ant-provider-key-0123456789');

    const row = await eventually(() => ledgerRow(response.headers.get('x-request-id')));
    expect(row).toMatchObject({
      deployment: 'anthropic/claude-sonnet-4-5-20250929',
      prompt_tokens: 69,
      completion_tokens: 53,
      stream: 1,
    });
  });

  it('the SDK gets the same blocks, signature, stop reason and usage', async () => {
    const message = await client.messages.stream(body as Anthropic.MessageStreamParams).finalMessage();
    const signature = recordedEvents('anthropic-clear-thinking.1.chunks.txt')
      .map((line) => JSON.parse(line) as { delta?: { signature?: string } })
      .find((event) => event.delta?.signature)?.delta?.signature;
    expect(message.content).toStrictEqual([
      {
        type: 'thinking',
        thinking: 'The previous result was 925. Now I need to divide that by 5.\n\n925 ÷ 5 = 185',
        signature,
      },
      { type: 'text', text: '925 ÷ 5 = 185' },
    ]);
    expect(message.stop_reason).toBe('end_turn');
    expect(message.usage).toMatchObject({ input_tokens: 69, output_tokens: 53 });
  });

  it('a cached passthrough answer is replayed translated, signature kept', async () => {
    const params = { ...body, temperature: 0 } as Anthropic.MessageStreamParams;
    const first = await client.messages.stream(params).finalMessage();
    const sent = upstream.requests.length;
    const second = await client.messages.stream(params).finalMessage();
    expect(upstream.requests.length).toBe(sent);
    expect(second.content).toStrictEqual(first.content);
    expect(second.stop_reason).toBe('end_turn');
    expect(second.usage).toMatchObject({ input_tokens: 69, output_tokens: 53 });
  });

  it('non-stream: the upstream body as sent, and cache reads and writes recorded in the ledger', async () => {
    // The recorded answer, with cache counts added so that the ledger has some to record.
    upstream.answer = {
      ...recordedAnswer('anthropic-text.json'),
      usage: {
        input_tokens: 12,
        cache_read_input_tokens: 300,
        cache_creation_input_tokens: 40,
        output_tokens: 29,
      },
    };
    const { data, response } = await client.messages
      .create({ model: 'claude-sonnet-4-5', max_tokens: 100, messages: [{ role: 'user', content: 'Hello' }] })
      .withResponse();
    expect(data).toStrictEqual(upstream.answer);
    const row = await eventually(() => ledgerRow(response.headers.get('x-request-id')));
    expect(row).toMatchObject({
      prompt_tokens: 352,
      cached_tokens: 300,
      cache_write_tokens: 40,
      completion_tokens: 29,
    });
  });

  it('count_tokens: counted natively by the Anthropic deployment', async () => {
    const counted = await client.messages.countTokens({
      model: 'claude-sonnet-4-5',
      messages: [{ role: 'user', content: 'hi' }],
    });
    expect(counted).toStrictEqual({ input_tokens: 42 });
    expect(upstream.last('/v1/messages/count_tokens')?.body).toStrictEqual({
      model: 'claude-sonnet-4-5-20250929',
      messages: [{ role: 'user', content: 'hi' }],
    });
  });
});
