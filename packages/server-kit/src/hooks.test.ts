import { PermissionDeniedError } from '@switchyard/protocol';
import { afterEach, describe, expect, it, vi } from 'vitest';
import {
  body,
  chunk,
  chunksThenStall,
  helloChunks,
  helloCompletion,
  scriptedAdapter,
  USAGE,
} from '../test/support/scripted-adapter.js';
import { createChatServer } from './chat-server.js';
import type { ChatFinishEvent, ChatServerOptions } from './chat-server-types.js';
import { startTestServer, type TestServer } from './testing/start-test-server.js';

let current: TestServer | undefined;
afterEach(async () => {
  await current?.close();
  current = undefined;
});

async function serve(options: ChatServerOptions): Promise<string> {
  current = await startTestServer(options);
  return current.url;
}

const post = (url: string, payload: string, headers: Record<string, string> = {}) =>
  fetch(`${url}/v1/chat/completions`, { method: 'POST', body: payload, headers });

const streaming = () =>
  scriptedAdapter({
    stream: async function* (_request, context) {
      context.locals.deployment = 'deployment-a';
      yield* helloChunks();
    },
  });

describe('authenticate', () => {
  const authenticate = (context: { apiKey: string | null; locals: Record<string, unknown> }) => {
    if (context.apiKey !== 'sk-good') return undefined;
    context.locals.principal = 'team-a';
    return { team: 'team-a' };
  };

  it('refuses a missing or wrong key with 401 invalid_api_key on every protocol route', async () => {
    const lines: string[] = [];
    const log = (message: string, fields?: Record<string, unknown>) =>
      lines.push(`${message} ${JSON.stringify(fields)}`);
    const url = await serve({
      adapters: [streaming()],
      authenticate,
      logger: { debug: log, info: log, warn: log, error: log },
    });
    const missing = await post(url, body());
    expect(missing.status).toBe(401);
    expect((await missing.json()).error).toMatchObject({
      code: 'invalid_api_key',
      type: 'invalid_request_error',
    });
    const wrong = await post(url, body(), { authorization: 'Bearer sk-wrong-secret' });
    expect(wrong.status).toBe(401);
    expect((await fetch(`${url}/v1/models`)).status).toBe(401);
    expect((await fetch(`${url}/v1/models/test-model`)).status).toBe(401);
    expect(lines.join('\n')).not.toContain('sk-wrong-secret');
  });

  it('passes the principal to hooks and the key-scoped model list', async () => {
    let seen: unknown;
    const adapter = scriptedAdapter({ complete: async () => helloCompletion() });
    adapter.listModels = async (context) => [
      { id: `model-for-${String(context.locals?.principal)}`, object: 'model', created: 0, owned_by: 'test' },
    ];
    const url = await serve({
      adapters: [adapter],
      resolveAdapter: () => adapter,
      authenticate,
      beforeCompletion: (context) => {
        seen = context.principal;
      },
    });
    const auth = { authorization: 'Bearer sk-good' };
    expect((await post(url, body(), auth)).status).toBe(200);
    expect(seen).toStrictEqual({ team: 'team-a' });
    const list = await (await fetch(`${url}/v1/models`, { headers: auth })).json();
    expect(list.data.map((model: { id: string }) => model.id)).toStrictEqual(['model-for-team-a']);
    expect((await fetch(`${url}/v1/models/model-for-team-a`, { headers: auth })).status).toBe(200);
  });
});

describe('beforeCompletion and response headers', () => {
  it('refuses with the thrown error and keeps headers set before it', async () => {
    const url = await serve({
      adapters: [streaming()],
      beforeCompletion: (context) => {
        context.setHeader('x-ratelimit-remaining-requests', '0');
        throw new PermissionDeniedError({
          message: 'This key may not use test-model',
          code: 'permission_denied',
        });
      },
    });
    const res = await post(url, body());
    expect(res.status).toBe(403);
    expect(res.headers.get('x-ratelimit-remaining-requests')).toBe('0');
    expect((await res.json()).error.code).toBe('permission_denied');
  });

  it('lets onResponseHeaders read what the adapter wrote into locals', async () => {
    const url = await serve({
      adapters: [streaming()],
      onResponseHeaders: (context, response) => {
        context.setHeader('x-switchyard-deployment', String(context.locals.deployment));
        context.setHeader('x-status-seen', String(response.status));
      },
    });
    for (const stream of [false, true]) {
      const res = await post(url, body({ stream }));
      expect(res.headers.get('x-switchyard-deployment')).toBe('deployment-a');
      expect(res.headers.get('x-status-seen')).toBe('200');
      await res.text();
    }
  });
});

describe('transformUsage and onFinish', () => {
  const withCost = (usage: typeof USAGE) => ({ ...usage, cost: 0.0001 });

  it('adds cost to whole answers and to the usage chunk clients ask for', async () => {
    const url = await serve({ adapters: [streaming()], transformUsage: withCost });
    expect((await (await post(url, body())).json()).usage).toStrictEqual(withCost(USAGE));
    const text = await (
      await post(url, body({ stream: true, stream_options: { include_usage: true } }))
    ).text();
    expect(text).toContain(
      '"usage":{"prompt_tokens":5,"completion_tokens":2,"total_tokens":7,"cost":0.0001}',
    );
  });

  it('reports each request exactly once, with usage the client did not ask for', async () => {
    const events: ChatFinishEvent[] = [];
    const url = await serve({
      adapters: [streaming()],
      transformUsage: withCost,
      onFinish: (e) => events.push(e),
    });
    await (await post(url, body({ stream: true }))).text();
    await (await post(url, body())).text();
    await (await post(url, body({ model: 'missing' }))).text();
    await (await post(url, '{')).text();
    expect(events.map((e) => [e.status, e.streamed, e.error?.code, e.usage?.cost])).toStrictEqual([
      [200, true, undefined, 0.0001],
      [200, false, undefined, 0.0001],
      [404, false, 'model_not_found', undefined],
      [400, false, 'invalid_json', undefined],
    ]);
    const first = events[0] as ChatFinishEvent;
    expect(first.context.request?.model).toBe('test-model');
    expect(first.context.locals.deployment).toBe('deployment-a');
    expect(first.firstChunkAt).toBeGreaterThanOrEqual(first.startedAt);
    expect(first.endedAt).toBeGreaterThanOrEqual(first.firstChunkAt as number);
  });
});

describe('an onFinish that returns a promise', () => {
  it('holds the last bytes (JSON body, or usage chunk and [DONE]) until it settles', async () => {
    const releases: (() => void)[] = [];
    const url = await serve({
      adapters: [streaming()],
      onFinish: () => new Promise<void>((resolve) => releases.push(resolve)),
    });
    for (const stream of [true, false]) {
      let received = '';
      let complete = false;
      const pending = post(
        url,
        body({ stream, stream_options: stream ? { include_usage: true } : undefined }),
      ).then(async (res) => {
        const decoder = new TextDecoder();
        const reader = (res.body as ReadableStream<Uint8Array>).getReader();
        for (let read = await reader.read(); !read.done; read = await reader.read())
          received += decoder.decode(read.value, { stream: true });
        complete = true;
      });
      await vi.waitFor(() => expect(releases).toHaveLength(1), { timeout: 5_000 });
      // Once the client has read everything sent before the hook settles (nothing new for 200 ms,
      // however slow the machine), the held bytes must still be missing.
      let seen = -1;
      await vi.waitFor(
        () => {
          const moved = received.length !== seen;
          seen = received.length;
          expect(moved).toBe(false);
        },
        { timeout: 10_000, interval: 200 },
      );
      expect(complete).toBe(false);
      expect(received).not.toContain(stream ? 'data: [DONE]' : '"usage"');
      if (stream) expect(received, 'the answer before the held end').toContain('Hello');
      releases.shift()?.();
      await pending;
      expect(received).toContain(stream ? 'data: [DONE]' : '"usage"');
      if (stream) expect(received).toContain('"choices":[],"usage"');
    }
  });

  it('a rejected promise is logged and the answer still completes', async () => {
    const errors: string[] = [];
    const noop = () => {};
    const url = await serve({
      adapters: [streaming()],
      onFinish: () => Promise.reject(new Error('ledger down')),
      logger: { debug: noop, info: noop, warn: noop, error: (message) => errors.push(message) },
    });
    expect(await (await post(url, body({ stream: true }))).text()).toContain('data: [DONE]');
    expect((await (await post(url, body())).json()).object).toBe('chat.completion');
    expect(errors).toStrictEqual(['onFinish failed', 'onFinish failed']);
  });
});

describe('deadlines', () => {
  const stalling = () =>
    scriptedAdapter({
      stream: (_request, context) => chunksThenStall([], context),
      models: ['test-model'],
    });

  it('answers 504 timeout when nothing came before the deadline', async () => {
    let deadline: number | undefined;
    const adapter = stalling();
    const stream = adapter.stream?.bind(adapter);
    adapter.stream = (request, context) => {
      deadline = context.deadline;
      return (stream as NonNullable<typeof stream>)(request, context);
    };
    const url = await serve({ adapters: [adapter], timeoutMs: 50 });
    const res = await post(url, body({ stream: true }));
    expect(res.status).toBe(504);
    expect((await res.json()).error.code).toBe('timeout');
    expect(deadline).toBeGreaterThan(Date.now() - 10_000);
  });

  it('ends a started stream with a timeout event at the deadline', async () => {
    const adapter = scriptedAdapter({
      stream: (_request, context) =>
        chunksThenStall([chunk({ delta: { role: 'assistant', content: 'Hi' } })], context),
    });
    const url = await serve({ adapters: [adapter], timeoutMs: 50 });
    const text = await (await post(url, body({ stream: true }))).text();
    expect(text).toContain('"code":"timeout"');
    expect(text).not.toContain('[DONE]');
  });
});

describe('the framework-free core', () => {
  const request = (init: { url: string; parsedBody?: unknown; method?: string }) => ({
    method: init.method ?? 'POST',
    url: init.url,
    header: () => undefined,
    body: null,
    parsedBody: init.parsedBody,
    signal: new AbortController().signal,
  });

  it('uses a body another middleware already parsed, as an object or as text', async () => {
    const server = createChatServer({ adapters: [streaming()] });
    const parsed = JSON.parse(body()) as unknown;
    for (const parsedBody of [parsed, body(), new TextEncoder().encode(body())]) {
      const result = await server.handle(request({ url: '/v1/chat/completions', parsedBody }));
      expect(result.type === 'json' && JSON.parse(result.body).choices[0].message.content).toBe(
        'Hello world',
      );
    }
  });

  it('marks results outside the protocol routes as unmatched', async () => {
    const server = createChatServer({ adapters: [streaming()] });
    const result = await server.handle(request({ url: 'http://host/v1/embeddings?x=1' }));
    expect([result.matched, result.status]).toStrictEqual([false, 404]);
    const models = await server.handle(request({ url: '/v1/models/test-model', method: 'GET' }));
    expect([models.matched, models.status]).toStrictEqual([true, 200]);
  });
});
