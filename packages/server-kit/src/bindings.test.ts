import { type ChildProcess, spawn } from 'node:child_process';
import { createServer, request as httpRequest, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { fileURLToPath } from 'node:url';
import type { ChatCompletionChunk } from '@switchyard/protocol';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import {
  body,
  chunk,
  chunksThenStall,
  helloChunks,
  scriptedAdapter,
} from '../test/support/scripted-adapter.js';
import { createChatServer } from './chat-server.js';
import { createNodeHandler } from './node/node-handler.js';

let open: Server | undefined;
afterEach(async () => {
  const server = open;
  open = undefined;
  if (server) {
    await new Promise((resolve) => {
      server.close(resolve);
      server.closeAllConnections();
    });
  }
});

async function listen(server: Server): Promise<string> {
  open = server;
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

const hello = () =>
  scriptedAdapter({
    stream: async function* () {
      yield* helloChunks();
    },
  });

/** An adapter that reports when its signal fires, after yielding one chunk. */
function stallingAdapter() {
  let aborted!: () => void;
  const abortSeen = new Promise<void>((resolve) => {
    aborted = resolve;
  });
  const adapter = scriptedAdapter({
    stream: (_request, context) => {
      context.signal.addEventListener('abort', () => aborted());
      return chunksThenStall([chunk({ delta: { role: 'assistant', content: 'Hi' } })], context);
    },
  });
  return { adapter, abortSeen };
}

describe('express 5 middleware (an express app in a child process)', () => {
  let child: ChildProcess;
  let url: string;
  beforeAll(async () => {
    const entry = fileURLToPath(new URL('../test/support/express-app.ts', import.meta.url));
    child = spawn(process.execPath, ['--conditions=@switchyard/source', '--import', 'tsx', entry], {
      cwd: fileURLToPath(new URL('..', import.meta.url)),
      env: { ...process.env, NODE_OPTIONS: '' },
      stdio: ['pipe', 'pipe', 'inherit'],
    });
    const line = await new Promise<string>((resolve, reject) => {
      child.once('exit', (code) => reject(new Error(`express app exited with ${code}`)));
      child.stdout?.once('data', (data: Buffer) => resolve(data.toString()));
    });
    url = `http://127.0.0.1:${JSON.parse(line).port}`;
  }, 30_000);
  afterAll(() => {
    child?.stdin?.end();
  });

  it('serves protocol routes, passes other paths on, and answers 405 in the envelope', async () => {
    expect(await (await fetch(`${url}/healthz`)).text()).toBe('ok');
    expect(await (await fetch(`${url}/after`)).text()).toBe('after');
    const text = await (
      await fetch(`${url}/v1/chat/completions`, { method: 'POST', body: body({ stream: true }) })
    ).text();
    expect(text.endsWith('data: [DONE]\n\n')).toBe(true);
    const models = await (await fetch(`${url}/v1/models`)).json();
    expect(models.data.map((m: { id: string }) => m.id)).toStrictEqual(['test-model', 'stall-model']);
    const wrongMethod = await fetch(`${url}/v1/models`, { method: 'POST' });
    expect(wrongMethod.status).toBe(405);
    expect(wrongMethod.headers.get('allow')).toBe('GET');
    expect((await wrongMethod.json()).error.code).toBe('method_not_allowed');
    expect((await fetch(`${url}/nowhere`)).status).toBe(404);
  });

  it('serves under a mount path', async () => {
    const res = await fetch(`${url}/api/v1/chat/completions`, { method: 'POST', body: body() });
    expect((await res.json()).choices[0].message.content).toBe('Hello world');
  });

  it('aborts the adapter when the client leaves', async () => {
    const controller = new AbortController();
    const res = await fetch(`${url}/v1/chat/completions`, {
      method: 'POST',
      body: body({ model: 'stall-model', stream: true }),
      signal: controller.signal,
    });
    await res.body?.getReader().read();
    controller.abort();
    // The app counts aborts its adapter saw; poll until the count moves (bounded).
    for (let i = 0; i < 100; i++) {
      const { aborts } = await (await fetch(`${url}/aborts`)).json();
      if (aborts === 1) return;
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
    expect.unreachable('the adapter never saw the abort');
  });
});

describe('node handler', () => {
  it('answers 404 in the envelope for other paths, or hands them to onUnmatched', async () => {
    const server = createChatServer({ adapters: [hello()] });
    const url = await listen(
      createServer(
        createNodeHandler(server, {
          onUnmatched: (req, res) => {
            if (req.url === '/mine') res.end('mine');
            else createNodeHandler(server)(req, res);
          },
        }),
      ),
    );
    expect(await (await fetch(`${url}/mine`)).text()).toBe('mine');
    const missing = await fetch(`${url}/v2/chat`);
    expect(missing.status).toBe(404);
    expect((await missing.json()).error).toMatchObject({ code: 'not_found', type: 'not_found_error' });
  });

  it('pulls from the adapter only as fast as the client reads (backpressure)', async () => {
    const piece = 'x'.repeat(64 * 1024);
    let pulled = 0;
    let abortSeen!: () => void;
    const aborted = new Promise<void>((resolve) => {
      abortSeen = resolve;
    });
    const adapter = scriptedAdapter({
      stream: (_request, context) => {
        context.signal.addEventListener('abort', () => abortSeen());
        return (async function* (): AsyncGenerator<ChatCompletionChunk> {
          yield chunk({ delta: { role: 'assistant', content: '' } });
          // Endless output: only backpressure keeps this from filling memory.
          while (!context.signal.aborted) {
            pulled++;
            yield chunk({ delta: { content: piece } });
          }
        })();
      },
    });
    const url = await listen(createServer(createNodeHandler(createChatServer({ adapters: [adapter] }))));
    const { port } = new URL(url);
    const req = httpRequest({
      host: '127.0.0.1',
      port,
      method: 'POST',
      path: '/v1/chat/completions',
      agent: false,
    });
    req.end(body({ stream: true }));
    const res = await new Promise<import('node:http').IncomingMessage>((resolve) =>
      req.on('response', resolve),
    );
    res.pause();
    // Wait for the producer to stall (no pull for 200 ms) instead of sampling after a fixed delay:
    // kernel and stream buffers hold a few MB at most, an unthrottled producer never stalls and
    // is far past 32 MiB long before the ceiling.
    let seen = -1;
    await vi.waitFor(
      () => {
        expect(pulled * piece.length, 'bytes pulled while the client reads nothing').toBeLessThan(
          32 * 1024 * 1024,
        );
        const moved = pulled !== seen;
        seen = pulled;
        expect(moved, 'the producer still runs').toBe(false);
      },
      { timeout: 10_000, interval: 200 },
    );
    const whilePaused = pulled;
    let received = 0;
    res.on('data', (data: Buffer) => {
      received += data.length;
      if (received > 8 * 1024 * 1024) res.destroy();
    });
    res.resume();
    await aborted;
    expect(pulled).toBeGreaterThan(whilePaused);
  });
});

describe('web fetch binding (Request/Response objects, no socket)', () => {
  it('answers JSON and SSE', async () => {
    const server = createChatServer({ adapters: [hello()] });
    const whole = await server.fetch(
      new Request('http://local/v1/chat/completions', {
        method: 'POST',
        body: body(),
        headers: { 'x-request-id': 'web-1' },
      }),
    );
    expect(whole.headers.get('x-request-id')).toBe('web-1');
    expect((await whole.json()).choices[0].message.content).toBe('Hello world');
    const streamed = await server.fetch(
      new Request('http://local/v1/chat/completions', { method: 'POST', body: body({ stream: true }) }),
    );
    expect(streamed.headers.get('content-type')).toBe('text/event-stream; charset=utf-8');
    expect((await streamed.text()).endsWith('data: [DONE]\n\n')).toBe(true);
  });

  it('aborts the adapter when the response body is cancelled', async () => {
    const { adapter, abortSeen } = stallingAdapter();
    const server = createChatServer({ adapters: [adapter] });
    const res = await server.fetch(
      new Request('http://local/v1/chat/completions', { method: 'POST', body: body({ stream: true }) }),
    );
    const reader = (res.body as ReadableStream<Uint8Array>).getReader();
    await reader.read();
    await reader.cancel();
    await abortSeen;
  });
});
