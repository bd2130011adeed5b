import { setTimeout as sleep } from 'node:timers/promises';
import { readyStream } from '@switchyard/adapter-kit/testing';
import {
  ChatCompletionChunkSchema,
  ChatCompletionSchema,
  RateLimitError,
  ServerError,
} from '@switchyard/protocol';
import { afterEach, describe, expect, it, vi } from 'vitest';
import {
  body,
  chunk,
  chunksThenStall,
  failingStream,
  helloChunks,
  helloCompletion,
  scriptedAdapter,
  USAGE,
} from '../test/support/scripted-adapter.js';
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

function post(url: string, payload: string, headers: Record<string, string> = {}): Promise<Response> {
  return fetch(`${url}/v1/chat/completions`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: payload,
  });
}

/** The `data:` payloads and comments of an SSE body, in order. */
function frames(text: string): string[] {
  return text.split('\n\n').filter((frame) => frame !== '');
}

function dataOf(frame: string): unknown {
  return frame === 'data: [DONE]' ? '[DONE]' : JSON.parse(frame.slice('data: '.length));
}

const streamOnly = () =>
  scriptedAdapter({
    stream: async function* () {
      yield* helloChunks();
    },
  });
const completeOnly = () => scriptedAdapter({ complete: async () => helloCompletion() });

describe('non-stream answers', () => {
  it('returns the adapter completion with a request id header', async () => {
    const url = await serve({ adapters: [completeOnly()] });
    const res = await post(url, body());
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('application/json');
    expect(res.headers.get('x-request-id')).toMatch(/^req_[0-9a-f]{32}$/);
    expect(await res.json()).toStrictEqual(helloCompletion());
  });

  it('accumulates a stream-only adapter into one completion', async () => {
    const url = await serve({ adapters: [streamOnly()] });
    const res = await post(url, body());
    const completion = ChatCompletionSchema.parse(await res.json());
    expect(completion.choices[0]?.message.content).toBe('Hello world');
    expect(completion.choices[0]?.finish_reason).toBe('stop');
    expect(completion.usage).toStrictEqual(USAGE);
  });

  it('answers 502 stream_incomplete when an accumulated stream never finishes', async () => {
    const adapter = scriptedAdapter({
      stream: async function* () {
        yield chunk({ delta: { role: 'assistant', content: 'Hel' } });
      },
    });
    const url = await serve({ adapters: [adapter] });
    const res = await post(url, body());
    expect(res.status).toBe(502);
    expect((await res.json()).error.code).toBe('stream_incomplete');
  });
});

describe('streaming', () => {
  it('sends SSE headers, one event per chunk, no usage unless asked, then [DONE]', async () => {
    const url = await serve({ adapters: [streamOnly()] });
    const res = await post(url, body({ stream: true }));
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('text/event-stream; charset=utf-8');
    expect(res.headers.get('x-accel-buffering')).toBe('no');
    expect(res.headers.get('cache-control')).toBe('no-cache');
    const events = frames(await res.text()).map(dataOf);
    expect(events).toStrictEqual([...helloChunks().slice(0, 4), '[DONE]']);
  });

  it('sends the usage chunk last when stream_options.include_usage is true', async () => {
    const url = await serve({ adapters: [streamOnly()] });
    const res = await post(url, body({ stream: true, stream_options: { include_usage: true } }));
    const events = frames(await res.text()).map(dataOf);
    expect(events.at(-2)).toStrictEqual(chunk(null, { usage: USAGE }));
    expect(events.at(-1)).toBe('[DONE]');
  });

  it('moves usage found on a content chunk into the final usage chunk', async () => {
    const adapter = scriptedAdapter({
      stream: async function* () {
        yield chunk({ delta: { role: 'assistant', content: 'Hi' } });
        yield chunk({ delta: {}, finish_reason: 'stop' }, { usage: USAGE });
      },
    });
    const url = await serve({ adapters: [adapter] });
    const stripped = frames(await (await post(url, body({ stream: true }))).text()).map(dataOf);
    expect(stripped).toStrictEqual([
      chunk({ delta: { role: 'assistant', content: 'Hi' } }),
      chunk({ delta: {}, finish_reason: 'stop' }),
      '[DONE]',
    ]);
    const withUsage = frames(
      await (await post(url, body({ stream: true, stream_options: { include_usage: true } }))).text(),
    ).map(dataOf);
    expect(withUsage.slice(1)).toStrictEqual([
      chunk({ delta: {}, finish_reason: 'stop' }),
      chunk(null, { usage: USAGE }),
      '[DONE]',
    ]);
  });

  it('takes the chunks an adapter holds at hand (takeReady) without next(), sending the same events', async () => {
    let nextCalls = 0;
    const adapter = scriptedAdapter({
      stream: () => {
        // After the first chunk, the rest of the answer is at hand (one network read).
        return readyStream(helloChunks(), () => {
          nextCalls++;
        });
      },
    });
    const url = await serve({ adapters: [adapter] });
    const res = await post(url, body({ stream: true, stream_options: { include_usage: true } }));
    const events = frames(await res.text()).map(dataOf);
    expect(events).toStrictEqual([...helloChunks(), '[DONE]']);
    expect(nextCalls).toBe(2); // the first chunk, and the end
  });

  it('streams a complete-only adapter as chunks that validate', async () => {
    const url = await serve({ adapters: [completeOnly()] });
    const res = await post(url, body({ stream: true, stream_options: { include_usage: true } }));
    const events = frames(await res.text()).map(dataOf);
    expect(events.at(-1)).toBe('[DONE]');
    const chunks = events.slice(0, -1).map((event) => ChatCompletionChunkSchema.parse(event));
    const text = chunks.map((c) => c.choices[0]?.delta.content ?? '').join('');
    expect(text).toBe('Hello world');
    expect(chunks.at(-1)?.usage).toStrictEqual(USAGE);
  });

  it('turns an error before the first chunk into a real HTTP error with retry headers', async () => {
    const adapter = scriptedAdapter({
      stream: () =>
        failingStream(
          new RateLimitError({ message: 'Slow down', code: 'rate_limit_exceeded', retryAfterMs: 1500 }),
        ),
    });
    const url = await serve({ adapters: [adapter] });
    const res = await post(url, body({ stream: true }), { 'x-request-id': 'my-req.1' });
    expect(res.status).toBe(429);
    expect(res.headers.get('content-type')).toBe('application/json');
    expect(res.headers.get('retry-after')).toBe('2');
    expect(res.headers.get('retry-after-ms')).toBe('1500');
    expect(res.headers.get('x-request-id')).toBe('my-req.1');
    expect(await res.json()).toStrictEqual({
      error: {
        message: 'Slow down',
        type: 'rate_limit_error',
        param: null,
        code: 'rate_limit_exceeded',
        request_id: 'my-req.1',
      },
    });
  });

  it('marks a non-retryable 429 with x-should-retry: false', async () => {
    const adapter = scriptedAdapter({
      complete: async () => {
        throw new RateLimitError({ message: 'Budget spent', code: 'budget_exceeded' });
      },
    });
    const url = await serve({ adapters: [adapter] });
    const res = await post(url, body());
    expect(res.status).toBe(429);
    expect(res.headers.get('x-should-retry')).toBe('false');
  });

  it('ends a stream that fails after its first chunk with one error event and no [DONE]', async () => {
    const adapter = scriptedAdapter({
      stream: async function* () {
        yield chunk({ delta: { role: 'assistant', content: 'Hel' } });
        throw new ServerError({ message: 'Upstream dropped', code: 'upstream_error' });
      },
    });
    const url = await serve({ adapters: [adapter] });
    const res = await post(url, body({ stream: true }), { 'x-request-id': 'abc' });
    expect(res.status).toBe(200);
    const events = frames(await res.text()).map(dataOf);
    expect(events).toStrictEqual([
      chunk({ delta: { role: 'assistant', content: 'Hel' } }),
      {
        error: {
          message: 'Upstream dropped',
          type: 'server_error',
          param: null,
          code: 'upstream_error',
          request_id: 'abc',
        },
      },
    ]);
  });

  it('hides the message of a non-protocol error thrown mid-stream', async () => {
    const adapter = scriptedAdapter({
      stream: async function* () {
        yield chunk({ delta: { role: 'assistant', content: 'Hel' } });
        throw new TypeError('secret internal detail');
      },
    });
    const url = await serve({ adapters: [adapter] });
    const text = await (await post(url, body({ stream: true }))).text();
    expect(text).not.toContain('secret');
    expect(text).toContain('"code":"server_error"');
  });

  it('reports a stream that ends without finish_reason as an error event', async () => {
    const adapter = scriptedAdapter({
      stream: async function* () {
        yield chunk({ delta: { role: 'assistant', content: 'Hel' } });
        yield chunk({ delta: { content: 'lo' } });
      },
    });
    const url = await serve({ adapters: [adapter] });
    const events = frames(await (await post(url, body({ stream: true }))).text()).map(dataOf);
    expect(events).toHaveLength(3);
    expect(events.at(-1)).toMatchObject({ error: { code: 'stream_incomplete', type: 'server_error' } });
  });

  it('sends keep-alive comments while the adapter is idle', async () => {
    const adapter = scriptedAdapter({
      stream: async function* () {
        yield chunk({ delta: { role: 'assistant', content: 'Hel' } });
        await sleep(200);
        yield chunk({ delta: { content: 'lo' }, finish_reason: 'stop' });
      },
    });
    const url = await serve({ adapters: [adapter], keepAliveMs: 40 });
    const got = frames(await (await post(url, body({ stream: true }))).text());
    expect(got[0]).toMatch(/^data: /);
    expect(got.filter((frame) => frame === ': keep-alive').length).toBeGreaterThanOrEqual(2);
    expect(got.at(-1)).toBe('data: [DONE]');
  });

  it('starts the stream with keep-alives when the first chunk is slower than keepAliveMs', async () => {
    const adapter = scriptedAdapter({
      stream: () =>
        failingStream(new RateLimitError({ message: 'late failure', code: 'rate_limit_exceeded' }), 150),
    });
    const url = await serve({ adapters: [adapter], keepAliveMs: 40 });
    const res = await post(url, body({ stream: true }));
    expect(res.status).toBe(200);
    const got = frames(await res.text());
    expect(got[0]).toBe(': keep-alive');
    expect(dataOf(got.at(-1) as string)).toMatchObject({ error: { code: 'rate_limit_exceeded' } });
  });
});

describe('request ids', () => {
  it('echoes a sane x-request-id, replaces an unsafe one, and passes it to the adapter', async () => {
    const seen: string[] = [];
    const adapter = scriptedAdapter({
      complete: async (_request, context) => {
        seen.push(context.requestId);
        return helloCompletion();
      },
    });
    const url = await serve({ adapters: [adapter] });
    const sane = await post(url, body(), { 'x-request-id': 'trace-01.A_b' });
    expect(sane.headers.get('x-request-id')).toBe('trace-01.A_b');
    const unsafe = await post(url, body(), { 'x-request-id': 'bad id with spaces' });
    expect(unsafe.headers.get('x-request-id')).toMatch(/^req_/);
    const tooLong = await post(url, body(), { 'x-request-id': 'a'.repeat(129) });
    expect(tooLong.headers.get('x-request-id')).toMatch(/^req_/);
    expect(seen).toStrictEqual([
      'trace-01.A_b',
      unsafe.headers.get('x-request-id'),
      tooLong.headers.get('x-request-id'),
    ]);
  });

  it('puts the request id in error bodies and log lines', async () => {
    const lines: Array<Record<string, unknown> | undefined> = [];
    const log = (_message: string, fields?: Record<string, unknown>) => lines.push(fields);
    const url = await serve({
      adapters: [completeOnly()],
      logger: { debug: log, info: log, warn: log, error: log },
    });
    const res = await post(url, body({ model: 'nope' }), { 'x-request-id': 'rid-42' });
    expect(res.status).toBe(404);
    expect((await res.json()).error).toMatchObject({
      code: 'model_not_found',
      param: 'model',
      request_id: 'rid-42',
    });
    expect(lines).toStrictEqual([expect.objectContaining({ request_id: 'rid-42', status: 404 })]);
  });
});

describe('client disconnects', () => {
  it('aborts the adapter signal when the client goes away', async () => {
    let aborted = false;
    const adapter = scriptedAdapter({
      stream: (_request, context) => {
        context.signal.addEventListener('abort', () => {
          aborted = true;
        });
        return chunksThenStall([chunk({ delta: { role: 'assistant', content: 'Hel' } })], context);
      },
    });
    let onFinish!: (event: ChatFinishEvent) => void;
    const finished = new Promise<ChatFinishEvent>((resolve) => {
      onFinish = resolve;
    });
    const url = await serve({ adapters: [adapter], onFinish: (event) => onFinish(event) });
    const controller = new AbortController();
    const res = await fetch(`${url}/v1/chat/completions`, {
      method: 'POST',
      body: body({ stream: true }),
      signal: controller.signal,
    });
    const reader = (res.body as ReadableStream<Uint8Array>).getReader();
    await reader.read();
    controller.abort();
    // The adapter stalls until its signal fires: only the abort can end this request.
    await vi.waitFor(() => expect(aborted, 'the adapter signal fired').toBe(true), { timeout: 5_000 });
    const event = await finished;
    expect(event.aborted).toBe(true);
    expect(event.error?.code).toBe('aborted');
  });
});
