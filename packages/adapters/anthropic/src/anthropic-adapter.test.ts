import {
  AbortError,
  accumulateChunks,
  type ChatCompletionChunk,
  type ChatCompletionRequest,
  ConnectionError,
  ProtocolError,
  ServerError,
  TimeoutError,
} from '@switchyard/protocol';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { adapterContext } from '../test/support/adapter-context.js';
import { startUpstream, type Upstream, type UpstreamHandler } from '../test/support/upstream-server.js';
import { type AnthropicAdapterSettings, createAnthropicAdapter } from './anthropic-adapter.js';

let upstream: Upstream;
let handler: UpstreamHandler;

beforeAll(async () => {
  upstream = await startUpstream((request) => handler(request));
});
afterAll(() => upstream.close());
afterEach(() => {
  upstream.requests.length = 0;
});

const request: ChatCompletionRequest = {
  model: 'claude-sonnet-4-5',
  messages: [{ role: 'user', content: 'Hi' }],
};

function adapter(settings: AnthropicAdapterSettings = {}) {
  return createAnthropicAdapter({ baseURL: upstream.baseURL, apiKey: 'sk-ant-test', ...settings });
}

function frames(events: Record<string, unknown>[]): string[] {
  return events.map((event) => `event: ${event.type}\ndata: ${JSON.stringify(event)}\n\n`);
}

// Synthetic events (not a recording) for behaviour the recorded vectors do not cover.
const START = {
  type: 'message_start',
  message: {
    id: 'msg_s',
    type: 'message',
    role: 'assistant',
    model: 'claude-sonnet-4-5',
    content: [],
    usage: { input_tokens: 3, output_tokens: 1 },
  },
};
const TEXT_START = { type: 'content_block_start', index: 0, content_block: { type: 'text', text: '' } };
const textDelta = (text: string) => ({
  type: 'content_block_delta',
  index: 0,
  delta: { type: 'text_delta', text },
});

const never = () => new Promise<never>(() => {});

async function caught(promise: Promise<unknown>): Promise<ProtocolError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(ProtocolError.isInstance(error)).toBe(true);
  return error as ProtocolError;
}

describe('cancellation and timeouts', () => {
  it('aborts the upstream request when the caller aborts mid-stream', async () => {
    handler = () => ({
      headers: { 'content-type': 'text/event-stream' },
      body: frames([START, TEXT_START, textDelta('Hel')]),
      hang: true,
    });
    const controller = new AbortController();
    const chunks: ChatCompletionChunk[] = [];
    const error = await caught(
      (async () => {
        for await (const chunk of adapter().stream!(request, adapterContext({ signal: controller.signal }))) {
          chunks.push(chunk);
          if (chunks.length === 2) controller.abort();
        }
      })(),
    );
    expect(AbortError.isInstance(error)).toBe(true);
    expect(error.code).toBe('aborted');
    expect(error.streamStarted).toBe(true);
    await upstream.requests[0]?.closed;
  });

  it('aborts a request that has no answer yet', async () => {
    handler = never;
    const controller = new AbortController();
    const pending = adapter().complete!(request, adapterContext({ signal: controller.signal }));
    while (upstream.requests.length === 0) await new Promise((resolve) => setTimeout(resolve, 5));
    controller.abort();
    const error = await caught(pending);
    expect(AbortError.isInstance(error)).toBe(true);
    expect(error.streamStarted).toBe(false);
    await upstream.requests[0]?.closed;
  });

  it('closes the upstream connection when the consumer stops reading', async () => {
    handler = () => ({
      headers: { 'content-type': 'text/event-stream' },
      body: frames([START, TEXT_START, textDelta('Hel')]),
      hang: true,
    });
    for await (const chunk of adapter().stream!(request, adapterContext())) {
      expect(chunk.choices[0]?.delta.role).toBe('assistant');
      break;
    }
    await upstream.requests[0]?.closed;
  });

  it('times out when no response arrives', async () => {
    handler = never;
    const error = await caught(adapter({ timeout: 150 }).complete!(request, adapterContext()));
    expect(TimeoutError.isInstance(error)).toBe(true);
    expect(error.code).toBe('timeout');
    expect(error.isRetryable).toBe(true);
    await upstream.requests[0]?.closed;
  });

  it('times out when a stream goes silent', async () => {
    handler = () => ({ headers: { 'content-type': 'text/event-stream' }, body: frames([START]), hang: true });
    const chunks: ChatCompletionChunk[] = [];
    const error = await caught(
      (async () => {
        for await (const chunk of adapter({ timeout: 150 }).stream!(request, adapterContext()))
          chunks.push(chunk);
      })(),
    );
    expect(chunks).toHaveLength(1);
    expect(TimeoutError.isInstance(error)).toBe(true);
    expect(error.streamStarted).toBe(true);
  });

  it('the request deadline bounds the call, whatever the timeout', async () => {
    handler = never;
    const started = Date.now();
    const error = await caught(
      adapter({ timeout: 60_000 }).complete!(request, { ...adapterContext(), deadline: Date.now() + 200 }),
    );
    expect(TimeoutError.isInstance(error)).toBe(true);
    expect(Date.now() - started).toBeLessThan(10_000);
    await upstream.requests[0]?.closed;
  });

  it('reports a refused connection as a retryable ConnectionError', async () => {
    const closed = await startUpstream(never);
    await closed.close();
    const error = await caught(adapter({ baseURL: closed.baseURL }).complete!(request, adapterContext()));
    expect(ConnectionError.isInstance(error)).toBe(true);
    expect(error.code).toBe('connection_error');
    expect(error.isRetryable).toBe(true);
    expect(error.message).toContain('ECONNREFUSED');
  });
});

describe('settings', () => {
  it('reads the key from the apiKeyEnv variable at request time', async () => {
    handler = () => ({ status: 200, headers: { 'content-type': 'application/json' }, body: '{}' });
    const envAdapter = createAnthropicAdapter({
      baseURL: upstream.baseURL,
      apiKeyEnv: 'SWITCHYARD_TEST_ANTHROPIC_KEY',
    });
    try {
      const missing = await caught(envAdapter.complete!(request, adapterContext()));
      expect(missing.message).toBe(
        'The Anthropic adapter has no API key: set SWITCHYARD_TEST_ANTHROPIC_KEY.',
      );
      process.env.SWITCHYARD_TEST_ANTHROPIC_KEY = 'sk-ant-named';
      await envAdapter.complete!(request, adapterContext()).catch(() => undefined);
      expect(upstream.requests[0]?.headers['x-api-key']).toBe('sk-ant-named');
    } finally {
      delete process.env.SWITCHYARD_TEST_ANTHROPIC_KEY;
    }
  });

  it('reads ANTHROPIC_API_KEY at request time', async () => {
    handler = () => ({ status: 200, headers: { 'content-type': 'application/json' }, body: '{}' });
    const saved = process.env.ANTHROPIC_API_KEY;
    try {
      delete process.env.ANTHROPIC_API_KEY;
      const envAdapter = createAnthropicAdapter({ baseURL: `${upstream.baseURL}/` });
      const missing = await caught(envAdapter.complete!(request, adapterContext()));
      expect(ServerError.isInstance(missing)).toBe(true);
      expect(missing.message).toBe(
        'The Anthropic adapter has no API key: set ANTHROPIC_API_KEY or pass apiKey.',
      );
      expect(missing.isRetryable).toBe(false);
      expect(upstream.requests).toHaveLength(0);
      process.env.ANTHROPIC_API_KEY = 'sk-ant-from-env';
      await envAdapter.complete!(request, adapterContext()).catch(() => undefined);
      expect(upstream.requests[0]?.headers['x-api-key']).toBe('sk-ant-from-env');
      expect(upstream.requests[0]?.url).toBe('/v1/messages');
    } finally {
      if (saved === undefined) delete process.env.ANTHROPIC_API_KEY;
      else process.env.ANTHROPIC_API_KEY = saved;
    }
  });

  it('lists configured models without a request', async () => {
    const models = await adapter({
      models: ['claude-sonnet-4-5', { id: 'claude-x', object: 'model', created: 5, owned_by: 'me' }],
    }).listModels({
      signal: new AbortController().signal,
    });
    expect(models).toStrictEqual([
      { id: 'claude-sonnet-4-5', object: 'model', created: 0, owned_by: 'anthropic' },
      { id: 'claude-x', object: 'model', created: 5, owned_by: 'me' },
    ]);
    expect(upstream.requests).toHaveLength(0);
  });

  it('lists models from GET /models otherwise, with the alias of each dated id', async () => {
    handler = () => ({
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        data: [
          { type: 'model', id: 'claude-sonnet-4-5-20250929', created_at: '2025-09-29T00:00:00Z' },
          { type: 'model', id: 'claude-3-5-haiku-20241022', created_at: '2024-10-22T00:00:00Z' },
        ],
        has_more: false,
      }),
    });
    const models = await adapter().listModels({ signal: new AbortController().signal, requestId: 'req-m' });
    expect(models).toStrictEqual([
      { id: 'claude-sonnet-4-5-20250929', object: 'model', created: 1759104000, owned_by: 'anthropic' },
      { id: 'claude-sonnet-4-5', object: 'model', created: 1759104000, owned_by: 'anthropic' },
      { id: 'claude-3-5-haiku-20241022', object: 'model', created: 1729555200, owned_by: 'anthropic' },
      { id: 'claude-3-5-haiku-latest', object: 'model', created: 1729555200, owned_by: 'anthropic' },
    ]);
    expect(upstream.requests[0]?.method).toBe('GET');
    expect(upstream.requests[0]?.url).toBe('/v1/models?limit=1000');
    expect(upstream.requests[0]?.headers['x-api-key']).toBe('sk-ant-test');
  });

  it('fails with bad_response on a 200 body that is not a message', async () => {
    handler = () => ({ headers: { 'content-type': 'application/json' }, body: '<html>maintenance</html>' });
    const error = await caught(adapter().complete!(request, adapterContext()));
    expect(error.code).toBe('bad_response');
    expect(error.status).toBe(502);
  });
});

describe('maxResponseBytes', () => {
  const LIMIT = 16 * 1024;
  const big = 'x'.repeat(64 * 1024);
  const message = JSON.stringify({
    id: 'msg_big',
    type: 'message',
    role: 'assistant',
    model: 'claude-sonnet-4-5',
    content: [{ type: 'text', text: big }],
    stop_reason: 'end_turn',
    stop_sequence: null,
    usage: { input_tokens: 3, output_tokens: 9 },
  });
  /** The body in 4 KiB pieces, and the response left open: only the client can end the call. */
  const pieces = (text: string) =>
    Array.from({ length: Math.ceil(text.length / 4096) }, (_, i) => text.slice(i * 4096, (i + 1) * 4096));

  it('an answer over the limit is a 502 bad_response and the upstream connection is released', async () => {
    handler = () => ({ headers: { 'content-type': 'application/json' }, body: pieces(message), hang: true });
    const error = await caught(adapter({ maxResponseBytes: LIMIT }).complete!(request, adapterContext()));
    expect({ code: error.code, status: error.status }).toEqual({ code: 'bad_response', status: 502 });
    expect(error.message).toContain(`larger than ${LIMIT} bytes`);
    await upstream.requests[0]?.closed;

    handler = () => ({ headers: { 'content-type': 'application/json' }, body: message });
    const completion = await adapter({ maxResponseBytes: 4 * LIMIT + 1024 }).complete!(
      request,
      adapterContext(),
    );
    expect(completion.choices[0]?.message.content).toHaveLength(big.length);
  });

  it('a stream event over the limit ends the stream with bad_response after the chunks before it', async () => {
    handler = () => ({
      headers: { 'content-type': 'text/event-stream' },
      body: [
        ...frames([START, TEXT_START, textDelta('Hel')]),
        ...pieces(frames([textDelta(big)])[0] as string),
      ],
      hang: true,
    });
    const chunks: ChatCompletionChunk[] = [];
    const error = await caught(
      (async () => {
        for await (const chunk of adapter({ maxResponseBytes: LIMIT }).stream!(request, adapterContext()))
          chunks.push(chunk);
      })(),
    );
    expect(chunks.map((chunk) => chunk.choices[0]?.delta.content ?? '').join('')).toBe('Hel');
    expect({ code: error.code, status: error.status, started: error.streamStarted }).toEqual({
      code: 'bad_response',
      status: 502,
      started: true,
    });
    await upstream.requests[0]?.closed;
  });

  it('an error body over the limit still gives the error of its status', async () => {
    handler = () => ({
      status: 529,
      headers: { 'content-type': 'text/html' },
      body: pieces(big),
      hang: true,
    });
    const error = await caught(adapter({ maxResponseBytes: LIMIT }).complete!(request, adapterContext()));
    expect({ status: error.status, retryable: error.isRetryable }).toEqual({ status: 529, retryable: true });
    await upstream.requests[0]?.closed;
  });
});

describe('response_format through the json tool', () => {
  const jsonRequest: ChatCompletionRequest = {
    model: 'claude-3-5-haiku-latest',
    messages: [{ role: 'user', content: 'Paris?' }],
    response_format: { type: 'json_object' },
  };

  it('returns the json tool input as content, with finish_reason stop', async () => {
    handler = () => ({
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        id: 'msg_j',
        type: 'message',
        role: 'assistant',
        model: 'claude-3-5-haiku-20241022',
        content: [{ type: 'tool_use', id: 'toolu_j', name: 'json', input: { city: 'Paris', n: 1 } }],
        stop_reason: 'tool_use',
        usage: { input_tokens: 10, output_tokens: 5 },
      }),
    });
    const completion = await adapter().complete!(jsonRequest, adapterContext());
    expect(completion.choices[0]).toStrictEqual({
      index: 0,
      message: { role: 'assistant', content: '{"city":"Paris","n":1}' },
      logprobs: null,
      finish_reason: 'stop',
    });
    expect(completion.usage).toStrictEqual({ prompt_tokens: 10, completion_tokens: 5, total_tokens: 15 });
  });

  it('streams the json tool input as content deltas', async () => {
    handler = () => ({
      headers: { 'content-type': 'text/event-stream' },
      body: frames([
        START,
        {
          type: 'content_block_start',
          index: 0,
          content_block: { type: 'tool_use', id: 'toolu_j', name: 'json', input: {} },
        },
        {
          type: 'content_block_delta',
          index: 0,
          delta: { type: 'input_json_delta', partial_json: '{"city": ' },
        },
        {
          type: 'content_block_delta',
          index: 0,
          delta: { type: 'input_json_delta', partial_json: '"Paris"}' },
        },
        { type: 'content_block_stop', index: 0 },
        { type: 'message_delta', delta: { stop_reason: 'tool_use' }, usage: { output_tokens: 9 } },
        { type: 'message_stop' },
      ]),
    });
    const chunks: ChatCompletionChunk[] = [];
    for await (const chunk of adapter().stream!(jsonRequest, adapterContext())) chunks.push(chunk);
    expect(chunks.map((chunk) => [chunk.choices[0]?.delta, chunk.choices[0]?.finish_reason])).toStrictEqual([
      [{ role: 'assistant', content: '' }, null],
      [{ content: '{"city": ' }, null],
      [{ content: '"Paris"}' }, null],
      [{}, 'stop'],
      [undefined, undefined],
    ]);
    const completion = await accumulateChunks(chunks);
    expect(JSON.parse(completion.choices[0]?.message.content ?? '')).toStrictEqual({ city: 'Paris' });
  });

  it('keeps caller tool calls as tool calls next to the json tool, counting indexes over them only', async () => {
    handler = () => ({
      headers: { 'content-type': 'text/event-stream' },
      body: frames([
        START,
        {
          type: 'content_block_start',
          index: 0,
          content_block: { type: 'server_tool_use', id: 'srvtoolu_1', name: 'web_search', input: {} },
        },
        {
          type: 'content_block_delta',
          index: 0,
          delta: { type: 'input_json_delta', partial_json: '{"query":"x"}' },
        },
        { type: 'content_block_stop', index: 0 },
        {
          type: 'content_block_start',
          index: 1,
          content_block: { type: 'web_search_tool_result', tool_use_id: 'srvtoolu_1', content: [] },
        },
        { type: 'content_block_stop', index: 1 },
        {
          type: 'content_block_start',
          index: 2,
          content_block: { type: 'tool_use', id: 'toolu_a', name: 'lookup', input: {} },
        },
        {
          type: 'content_block_delta',
          index: 2,
          delta: { type: 'input_json_delta', partial_json: '{"q":1}' },
        },
        { type: 'content_block_stop', index: 2 },
        {
          type: 'content_block_start',
          index: 3,
          content_block: { type: 'tool_use', id: 'toolu_b', name: 'lookup', input: {} },
        },
        { type: 'content_block_stop', index: 3 },
        { type: 'message_delta', delta: { stop_reason: 'tool_use' }, usage: { output_tokens: 9 } },
        { type: 'message_stop' },
      ]),
    });
    const chunks: ChatCompletionChunk[] = [];
    const withTools = {
      ...jsonRequest,
      tools: [{ type: 'function' as const, function: { name: 'lookup' } }],
    };
    for await (const chunk of adapter().stream!(withTools, adapterContext())) chunks.push(chunk);
    const completion = await accumulateChunks(chunks);
    expect(completion.choices[0]?.message.tool_calls).toStrictEqual([
      { id: 'toolu_a', type: 'function', function: { name: 'lookup', arguments: '{"q":1}' } },
      { id: 'toolu_b', type: 'function', function: { name: 'lookup', arguments: '{}' } },
    ]);
    expect(
      chunks.flatMap((chunk) => chunk.choices[0]?.delta.tool_calls ?? []).map((call) => call.index),
    ).toStrictEqual([0, 0, 1, 1]);
    expect(completion.choices[0]?.finish_reason).toBe('tool_calls');
  });
});
