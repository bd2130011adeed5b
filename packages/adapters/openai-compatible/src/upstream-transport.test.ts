import {
  collect,
  serveBody,
  type TestUpstream,
  testAdapterContext,
  testChatRequest,
} from '@switchyard/adapter-kit/testing';
import { AbortError, ConnectionError, ProtocolError, TimeoutError } from '@switchyard/protocol';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { JSON_TYPE, SSE, startLocalUpstream } from '../test/support/local-upstream.js';
import { createOpenAICompatibleAdapter, type OpenAICompatibleSettings } from './openai-compatible-adapter.js';

const CHUNK = (content: string, finish: string | null = null) =>
  `data: ${JSON.stringify({
    id: 'c1',
    object: 'chat.completion.chunk',
    created: 1,
    model: 'm',
    choices: [{ index: 0, delta: { content }, finish_reason: finish }],
  })}\n\n`;
const COMPLETION = JSON.stringify({
  id: 'chatcmpl-1',
  object: 'chat.completion',
  created: 1,
  model: 'm',
  choices: [
    { index: 0, message: { role: 'assistant', content: 'ok' }, logprobs: null, finish_reason: 'stop' },
  ],
  usage: { prompt_tokens: 1, completion_tokens: 1, total_tokens: 2 },
});

let upstream: TestUpstream;
beforeAll(async () => {
  upstream = await startLocalUpstream();
});
afterAll(() => upstream.close());
afterEach(() => {
  upstream.requests.length = 0;
});

async function errorOf(promise: Promise<unknown>): Promise<ProtocolError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(ProtocolError.isInstance(error)).toBe(true);
  return error as ProtocolError;
}

/** A responder that sends headers and `prefix`, then never finishes (until the client leaves). */
function hangAfter(prefix: string, contentType = SSE) {
  return (_request: unknown, res: import('node:http').ServerResponse) => {
    res.writeHead(200, { 'content-type': contentType });
    if (prefix) res.write(prefix);
  };
}

const TRANSPORTS: [string, Partial<OpenAICompatibleSettings>][] = [
  ['undici (the default)', {}],
  ['an injected fetch (the global one)', { fetch: (input, init) => fetch(input, init) }],
];

describe.each(TRANSPORTS)('over %s', (_name, transport) => {
  function adapter(settings: Partial<OpenAICompatibleSettings> = {}) {
    return createOpenAICompatibleAdapter({
      name: 'test',
      baseURL: upstream.baseURL,
      ...transport,
      ...settings,
    });
  }

  describe('oversized answers', () => {
    it('an answer over maxResponseBytes is a bad_response, and the upstream request is closed', async () => {
      const huge = COMPLETION.replace('"ok"', `"${'x'.repeat(64 * 1024)}"`);
      upstream.respond(serveBody(huge, JSON_TYPE, { pieceSize: 4096 }));
      const error = await errorOf(
        adapter({ maxResponseBytes: 16 * 1024 }).complete!(testChatRequest({}), testAdapterContext()),
      );
      expect({ code: error.code, status: error.status }).toEqual({ code: 'bad_response', status: 502 });
      expect(error.message).toContain('larger than 16384 bytes');
      expect(error.message).not.toContain(new URL(upstream.baseURL).host);
      upstream.respond(serveBody(huge, JSON_TYPE));
      const completion = await adapter({ maxResponseBytes: 128 * 1024 }).complete!(
        testChatRequest({}),
        testAdapterContext(),
      );
      expect(completion.choices[0]?.message.content).toHaveLength(64 * 1024);
    });
  });

  describe('oversized stream events', () => {
    it('an event over maxResponseBytes ends the stream with bad_response after the chunks before it', async () => {
      upstream.respond(
        serveBody(`${CHUNK('ok')}data: {"x":"${'x'.repeat(64 * 1024)}`, SSE, { pieceSize: 4096 }),
      );
      const chunks: unknown[] = [];
      const error = await errorOf(
        (async () => {
          for await (const chunk of adapter({ maxResponseBytes: 16 * 1024 }).stream!(
            testChatRequest({ stream: true }),
            testAdapterContext(),
          ))
            chunks.push(chunk);
        })(),
      );
      expect(error.code).toBe('bad_response');
      expect(chunks.length).toBeGreaterThan(0);
    });
  });

  describe('connection failures', () => {
    it('connection refused is a retryable ConnectionError', async () => {
      const closed = await startLocalUpstream();
      const baseURL = closed.baseURL;
      await closed.close();
      const error = await errorOf(
        createOpenAICompatibleAdapter({ name: 'test', baseURL, ...transport }).complete!(
          testChatRequest({}),
          testAdapterContext(),
        ),
      );
      expect(ConnectionError.isInstance(error)).toBe(true);
      expect(error.code).toBe('connection_error');
      expect(error.status).toBe(502);
      expect(error.isRetryable).toBe(true);
      expect(error.message).toContain('ECONNREFUSED');
      // The client learns which provider failed, not where it lives (the cause keeps that for logs).
      expect(error.message).toContain("provider 'test'");
      expect(error.message).not.toContain(new URL(baseURL).host);
      expect(error.message).not.toContain('127.0.0.1');
    });

    it('a connection reset before the answer is a retryable ConnectionError', async () => {
      upstream.respond((_request, res) => {
        res.socket?.destroy();
      });
      const error = await errorOf(adapter().complete!(testChatRequest({}), testAdapterContext()));
      expect(ConnectionError.isInstance(error)).toBe(true);
      expect(error.isRetryable).toBe(true);
      expect(error.streamStarted).toBe(false);
    });

    it('a connection reset mid-stream fails after the chunks already received, streamStarted true', async () => {
      upstream.respond((_request, res) => {
        res.writeHead(200, { 'content-type': SSE });
        res.write(CHUNK('Hel'));
        res.write(CHUNK('lo'), () => setTimeout(() => res.socket?.destroy(), 20));
      });
      const seen: string[] = [];
      const error = await errorOf(
        (async () => {
          for await (const chunk of adapter().stream!(
            testChatRequest({ stream: true }),
            testAdapterContext(),
          )) {
            seen.push(chunk.choices[0]?.delta.content ?? '');
          }
        })(),
      );
      expect(seen).toStrictEqual(['Hel', 'lo']);
      expect(ConnectionError.isInstance(error)).toBe(true);
      expect(error.streamStarted).toBe(true);
    });
  });

  describe('timeouts', () => {
    it('total timeout: TimeoutError, retryable, and the upstream request is closed', async () => {
      upstream.respond(() => {}); // never answers
      const abandoned = upstream.nextAbandoned();
      const error = await errorOf(
        adapter({ timeout: 150 }).complete!(testChatRequest({}), testAdapterContext()),
      );
      expect(TimeoutError.isInstance(error)).toBe(true);
      expect(error.code).toBe('timeout');
      expect(error.isRetryable).toBe(true);
      expect(error.message).toContain('total timeout of 150 ms');
      expect(error.message).toContain("provider 'test'");
      expect(error.message).not.toContain(new URL(upstream.baseURL).host);
      await abandoned;
    });

    it('headers timeout applies until the headers, not to a slow body', async () => {
      upstream.respond(() => {});
      const error = await errorOf(
        adapter({ timeout: { headers: 100 } }).complete!(testChatRequest({}), testAdapterContext()),
      );
      expect(TimeoutError.isInstance(error)).toBe(true);
      expect(error.message).toContain('headers timeout of 100 ms');

      upstream.respond(async (_request, res) => {
        res.writeHead(200, { 'content-type': SSE });
        res.write(CHUNK('a'));
        // Twice the headers timeout: the body outlasts it, and the headers have a whole second.
        await new Promise((resolve) => setTimeout(resolve, 2_000));
        res.end(`${CHUNK('b', 'stop')}data: [DONE]\n\n`);
      });
      const chunks = await collect(
        adapter({ timeout: { headers: 1_000 } }).stream!(
          testChatRequest({ stream: true }),
          testAdapterContext(),
        ),
      );
      expect(chunks.map((chunk) => chunk.choices[0]?.delta.content)).toStrictEqual(['a', 'b']);
    });

    it('idle timeout: a stream that stalls fails with streamStarted true', async () => {
      upstream.respond(hangAfter(CHUNK('partial')));
      const abandoned = upstream.nextAbandoned();
      const seen: number[] = [];
      const error = await errorOf(
        (async () => {
          for await (const chunk of adapter({ timeout: { idle: 150 } }).stream!(
            testChatRequest({ stream: true }),
            testAdapterContext(),
          )) {
            seen.push(chunk.choices.length);
          }
        })(),
      );
      expect(seen).toStrictEqual([1]);
      expect(TimeoutError.isInstance(error)).toBe(true);
      expect(error.message).toContain('idle timeout of 150 ms');
      expect(error.streamStarted).toBe(true);
      await abandoned;
    });

    it("the caller's deadline bounds the call", async () => {
      upstream.respond(() => {});
      const error = await errorOf(
        adapter().complete!(testChatRequest({}), testAdapterContext({ deadline: Date.now() + 120 })),
      );
      expect(TimeoutError.isInstance(error)).toBe(true);
      const late = await errorOf(
        adapter().complete!(testChatRequest({}), testAdapterContext({ deadline: Date.now() - 1 })),
      );
      expect(TimeoutError.isInstance(late)).toBe(true);
    });
  });

  describe('abort propagation', () => {
    it('aborting mid-stream throws AbortError and the upstream sees its socket close', async () => {
      upstream.respond(hangAfter(CHUNK('first')));
      const abandoned = upstream.nextAbandoned();
      const controller = new AbortController();
      const iterator = adapter().stream!(
        testChatRequest({ stream: true }),
        testAdapterContext({ signal: controller.signal }),
      )[Symbol.asyncIterator]();
      const first = await iterator.next();
      expect(first.value?.choices[0]?.delta.content).toBe('first');
      const pending = iterator.next();
      controller.abort();
      const error = await errorOf(pending);
      expect(AbortError.isInstance(error)).toBe(true);
      expect(error.code).toBe('aborted');
      expect(error.isRetryable).toBe(false);
      await abandoned;
    });

    it('aborting while waiting for a non-stream answer closes the upstream request', async () => {
      upstream.respond(() => {});
      const abandoned = upstream.nextAbandoned();
      const controller = new AbortController();
      const promise = adapter().complete!(
        testChatRequest({}),
        testAdapterContext({ signal: controller.signal }),
      );
      while (upstream.requests.length === 0) await new Promise((resolve) => setTimeout(resolve, 5));
      controller.abort();
      expect(AbortError.isInstance(await errorOf(promise))).toBe(true);
      await abandoned;
    });

    it('an already-aborted signal sends nothing', async () => {
      const controller = new AbortController();
      controller.abort();
      const error = await errorOf(
        adapter().complete!(testChatRequest({}), testAdapterContext({ signal: controller.signal })),
      );
      expect(AbortError.isInstance(error)).toBe(true);
      expect(upstream.requests).toHaveLength(0);
    });

    it('a consumer that stops reading closes the upstream request', async () => {
      upstream.respond(hangAfter(CHUNK('one')));
      const abandoned = upstream.nextAbandoned();
      for await (const chunk of adapter().stream!(testChatRequest({ stream: true }), testAdapterContext())) {
        expect(chunk.choices[0]?.delta.content).toBe('one');
        break;
      }
      await abandoned;
    });
  });

  describe('backpressure', () => {
    it('a reader that stalls stops the upstream from sending more; all of it arrives once it reads again', async () => {
      const total = 20_000; // 40 MB: more than loopback socket buffers hold (tcp_rmem max 32 MB)
      let written = 0;
      let blocked = false;
      upstream.respond((_request, res) => {
        res.writeHead(200, { 'content-type': SSE });
        const pump = () => {
          while (written < total) {
            written += 1;
            const more = res.write(
              CHUNK(`${written} ${'x'.repeat(2000)}`, written === total ? 'stop' : null),
            );
            if (!more) {
              blocked = true;
              res.once('drain', pump);
              return;
            }
          }
          res.end('data: [DONE]\n\n');
        };
        pump();
      });
      const iterator = adapter().stream!(testChatRequest({ stream: true }), testAdapterContext())[
        Symbol.asyncIterator
      ]();
      expect((await iterator.next()).done).toBe(false);
      await new Promise((resolve) => setTimeout(resolve, 500)); // the reader stalls
      expect(blocked).toBe(true);
      expect(written).toBeLessThan(total); // the rest waits in the upstream, not in the gateway
      let received = 1;
      for (let result = await iterator.next(); !result.done; result = await iterator.next()) received += 1;
      expect(received).toBe(total);
    });
  });

  describe('connection reuse', () => {
    it('sequential requests reuse one keep-alive connection (pooled per adapter)', async () => {
      const pooled = await startLocalUpstream((request, res) => {
        const body = request.json?.stream ? `${CHUNK('x', 'stop')}data: [DONE]\n\n` : COMPLETION;
        res.writeHead(200, { 'content-type': request.json?.stream ? SSE : JSON_TYPE }).end(body);
      });
      try {
        const client = createOpenAICompatibleAdapter({ name: 'test', baseURL: pooled.baseURL, ...transport });
        for (let i = 0; i < 10; i++) {
          if (i % 2 === 0) await client.complete!(testChatRequest({}), testAdapterContext());
          else await collect(client.stream!(testChatRequest({ stream: true }), testAdapterContext()));
        }
        expect(pooled.requests).toHaveLength(10);
        expect(pooled.connections).toBeGreaterThanOrEqual(1);
        expect(pooled.connections).toBeLessThanOrEqual(2);
      } finally {
        await pooled.close();
      }
    });
  });
});

describe('custom fetch', () => {
  it('an injected fetch is used for every call', async () => {
    const urls: string[] = [];
    const client = createOpenAICompatibleAdapter({
      name: 'test',
      baseURL: upstream.baseURL,
      fetch: (input, init) => {
        urls.push(input);
        return fetch(input, init);
      },
    });
    upstream.respond(serveBody(COMPLETION, JSON_TYPE));
    await client.complete!(testChatRequest({}), testAdapterContext());
    expect(urls).toStrictEqual([`${upstream.baseURL}/chat/completions`]);
  });
});
