import { encodeChunk, SSE_DONE } from '@switchyard/protocol';
import { afterEach, describe, expect, it } from 'vitest';
import {
  chunk,
  closedPort,
  type LocalServer,
  sendChunks,
  sendJSON,
  startServer,
  startSSE,
  textChunks,
  write,
} from '../test/support/local-server.js';
import {
  AbortError,
  type ChatCompletionChunk,
  ConnectionError,
  createClient,
  ProtocolError,
  RateLimitError,
  ServerError,
  TimeoutError,
} from './index.js';

let server: LocalServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

const request = { model: 'm', messages: [{ role: 'user' as const, content: 'Hi' }], stream: true as const };

async function failure(run: () => Promise<unknown>): Promise<ProtocolError> {
  try {
    await run();
  } catch (error) {
    expect(ProtocolError.isInstance(error)).toBe(true);
    return error as ProtocolError;
  }
  throw new Error('expected a failure');
}

async function collect<T>(iterable: AsyncIterable<T> | ReadableStream<T>): Promise<T[]> {
  const items: T[] = [];
  if (iterable instanceof ReadableStream) {
    const reader = iterable.getReader();
    for (let next = await reader.read(); !next.done; next = await reader.read()) items.push(next.value);
  } else for await (const item of iterable) items.push(item);
  return items;
}

describe('a successful stream', () => {
  it('yields the typed chunks and then the accumulated completion', async () => {
    const chunks = textChunks('Hel', 'lo');
    server = await startServer((_req, res) => sendChunks(res, chunks, { 'x-request-id': 'req_s' }));
    const client = createClient({ baseURL: server.baseURL });

    const stream = await client.chat.completions.create(request);
    const received = await collect(stream);
    const final = await stream.finalCompletion();

    expect(received).toStrictEqual(chunks);
    expect(server.requests[0]?.json.stream).toBe(true);
    expect(server.requests[0]?.headers.accept).toBe('text/event-stream');
    expect(stream._requestId).toBe('req_s');
    expect(final._requestId).toBe('req_s');
    expect(final.choices[0]?.message).toStrictEqual({ role: 'assistant', content: 'Hello' });
    expect(final.choices[0]?.finish_reason).toBe('stop');
    expect(final.usage).toStrictEqual({ prompt_tokens: 3, completion_tokens: 2, total_tokens: 5 });
  });

  describe('usage', () => {
    // Like OpenAI's API, this local server sends the usage chunk only when the request asks for it.
    const usageOnRequest = () =>
      startServer((req, res) => {
        const chunks = textChunks('a', 'b');
        sendChunks(res, req.json.stream_options?.include_usage === true ? chunks : chunks.slice(0, -1));
      });

    it('is asked for by default, so finalCompletion().usage is filled', async () => {
      server = await usageOnRequest();
      const client = createClient({ baseURL: server.baseURL });

      const final = await (await client.chat.completions.create(request)).finalCompletion();

      expect(server.requests[0]?.json.stream_options).toStrictEqual({ include_usage: true });
      expect(final.usage).toStrictEqual({ prompt_tokens: 3, completion_tokens: 2, total_tokens: 5 });
    });

    it('is not asked for when the caller sets stream_options', async () => {
      server = await usageOnRequest();
      const client = createClient({ baseURL: server.baseURL });

      const stream = await client.chat.completions.create({
        ...request,
        stream_options: { include_usage: false },
      });

      expect((await stream.finalCompletion()).usage).toBeUndefined();
      expect(server.requests[0]?.json.stream_options).toStrictEqual({ include_usage: false });
    });
  });

  it('gives the final completion without iterating', async () => {
    server = await startServer((_req, res) => sendChunks(res, textChunks('a', 'b', 'c')));
    const client = createClient({ baseURL: server.baseURL });

    const stream = await client.chat.completions.create(request);

    expect((await stream.finalCompletion()).choices[0]?.message.content).toBe('abc');
    expect(await stream.text()).toBe('abc');
  });

  it('streams only the text with textStream()', async () => {
    server = await startServer((_req, res) => sendChunks(res, textChunks('Hel', 'lo', ' world')));
    const client = createClient({ baseURL: server.baseURL });

    const stream = await client.chat.completions.create(request);

    expect(await collect(stream.textStream())).toStrictEqual(['Hel', 'lo', ' world']);
    expect(await stream.text()).toBe('Hello world');
  });

  it('offers a web ReadableStream of the chunks', async () => {
    const chunks = textChunks('x', 'y');
    server = await startServer((_req, res) => sendChunks(res, chunks));
    const client = createClient({ baseURL: server.baseURL });

    const readable = (await client.chat.completions.create(request)).toReadableStream();

    expect(readable).toBeInstanceOf(ReadableStream);
    expect(await collect(readable)).toStrictEqual(chunks);
  });

  it('skips keep-alive comments and survives CRLF framing', async () => {
    const chunks = textChunks('ok');
    server = await startServer((_req, res) => {
      startSSE(res);
      res.write(': OPENROUTER PROCESSING\r\n\r\n');
      res.end(
        chunks.map((c) => encodeChunk(c).replaceAll('\n', '\r\n')).join('') +
          SSE_DONE.replaceAll('\n', '\r\n'),
      );
    });
    const client = createClient({ baseURL: server.baseURL });

    const stream = await client.chat.completions.create(request);

    expect(await collect(stream)).toStrictEqual(chunks);
  });

  it('keeps a UTF-8 character split across two packets whole', async () => {
    const bytes = new TextEncoder().encode(encodeChunk(chunk({ content: 'né 🚀' })));
    const rocket = bytes.indexOf(0xf0);
    server = await startServer(async (_req, res) => {
      startSSE(res);
      await write(res, encodeChunk(chunk({ role: 'assistant', content: '' })));
      await write(res, bytes.subarray(0, rocket + 2));
      // Gives the first half time to arrive on its own before the rest follows.
      await new Promise((resolve) => setTimeout(resolve, 20));
      await write(res, bytes.subarray(rocket + 2));
      res.end(encodeChunk(chunk({}, 'stop')) + SSE_DONE);
    });
    const client = createClient({ baseURL: server.baseURL });

    const stream = await client.chat.completions.create(request);

    expect(await collect(stream.textStream())).toStrictEqual(['né 🚀']);
  });

  it('ends without error when the body ends without [DONE] after every choice finished', async () => {
    server = await startServer((_req, res) => {
      startSSE(res);
      res.end(textChunks('done').map(encodeChunk).join(''));
    });
    const client = createClient({ baseURL: server.baseURL });

    const stream = await client.chat.completions.create(request);

    expect(await stream.text()).toBe('done');
  });
});

describe('a failing stream', () => {
  it('fails with stream_incomplete when the body ends before a finish_reason', async () => {
    server = await startServer((_req, res) => {
      startSSE(res);
      res.end(encodeChunk(chunk({ role: 'assistant', content: 'Half an ans' })));
    });
    const client = createClient({ baseURL: server.baseURL });
    const stream = await client.chat.completions.create(request);
    const received: ChatCompletionChunk[] = [];

    const error = await failure(async () => {
      for await (const c of stream) received.push(c);
    });

    expect(received).toHaveLength(1);
    expect(error.code).toBe('stream_incomplete');
    expect(error.streamStarted).toBe(true);
    expect(await failure(() => stream.finalCompletion())).toBe(error);
  });

  it('raises an error event sent mid-stream as its typed error, after the chunks before it', async () => {
    server = await startServer((_req, res) => {
      startSSE(res, { 'x-request-id': 'req_e' });
      res.end(
        encodeChunk(chunk({ role: 'assistant', content: 'Hi' })) +
          'data: {"error":{"message":"The server had an error while processing your request. Sorry about that!","type":"server_error"}}\n\n',
      );
    });
    const client = createClient({ baseURL: server.baseURL });
    const stream = await client.chat.completions.create(request);
    const received: ChatCompletionChunk[] = [];

    const error = await failure(async () => {
      for await (const c of stream) received.push(c);
    });

    expect(received).toHaveLength(1);
    expect(ServerError.isInstance(error)).toBe(true);
    expect(error.message).toMatch(/Sorry about that/);
    expect(error.requestId).toBe('req_e');
    expect(error.streamStarted).toBe(true);
  });

  it('raises a rate-limit error event with its class', async () => {
    server = await startServer((_req, res) => {
      startSSE(res);
      res.end('event: error\ndata: {"error":{"message":"Rate limited","code":429}}\n\n');
    });
    const client = createClient({ baseURL: server.baseURL });
    const stream = await client.chat.completions.create(request);

    const error = await failure(() => collect(stream));

    expect(RateLimitError.isInstance(error)).toBe(true);
  });

  it('fails with bad_response on malformed SSE data', async () => {
    server = await startServer((_req, res) => {
      startSSE(res);
      res.end(
        `${encodeChunk(chunk({ role: 'assistant', content: 'a' }))}data: {"id":"x","choices":[{"ind\n\n`,
      );
    });
    const client = createClient({ baseURL: server.baseURL });
    const stream = await client.chat.completions.create(request);

    const error = await failure(() => collect(stream));

    expect(error.code).toBe('bad_response');
    expect(error.message).toMatch(/malformed JSON/);
  });

  it('fails with a ConnectionError when the connection is reset mid-stream, without retrying', async () => {
    server = await startServer(async (_req, res) => {
      startSSE(res);
      await write(res, encodeChunk(chunk({ role: 'assistant', content: 'partial' })));
      res.socket?.destroy();
    });
    const client = createClient({ baseURL: server.baseURL, maxRetries: 3 });
    const stream = await client.chat.completions.create(request);
    const received: ChatCompletionChunk[] = [];

    const error = await failure(async () => {
      for await (const c of stream) received.push(c);
    });

    expect(received).toHaveLength(1);
    expect(ConnectionError.isInstance(error)).toBe(true);
    expect(error.streamStarted).toBe(true);
    expect(server.requests).toHaveLength(1);
  });

  it('fails with a TimeoutError when the stream stalls for longer than idleTimeout', async () => {
    let closed: Promise<void> | undefined;
    server = await startServer(async (_req, res, context) => {
      closed = context.closed;
      startSSE(res);
      await write(res, encodeChunk(chunk({ role: 'assistant', content: 'thinking' })));
      // …and then nothing: the upstream hung.
    });
    const client = createClient({ baseURL: server.baseURL, idleTimeout: 150 });
    const stream = await client.chat.completions.create(request);

    const error = await failure(() => collect(stream));

    expect(TimeoutError.isInstance(error)).toBe(true);
    expect(error.message).toMatch(/stalled/);
    expect(error.streamStarted).toBe(true);
    await closed;
  });

  it('is not tripped by a slow consumer: the idle timer only counts time spent waiting', async () => {
    server = await startServer((_req, res) => sendChunks(res, textChunks('a', 'b')));
    const client = createClient({ baseURL: server.baseURL, idleTimeout: 50 });
    const stream = await client.chat.completions.create(request);
    const texts: string[] = [];

    for await (const text of stream.textStream()) {
      texts.push(text);
      await new Promise((resolve) => setTimeout(resolve, 120));
    }

    expect(texts).toStrictEqual(['a', 'b']);
  });

  it('fails with a TimeoutError when the whole request takes longer than timeout', async () => {
    server = await startServer(async (_req, res, { closed }) => {
      startSSE(res);
      let open = true;
      void closed.then(() => {
        open = false;
      });
      // Keeps trickling, so only the total timeout can stop it.
      while (open) {
        await write(res, ': ping\n\n');
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
    });
    // The idle timeout is far out of reach: a slow scheduling slice between pings must not trip it.
    const client = createClient({ baseURL: server.baseURL, timeout: 300, idleTimeout: 10_000 });
    const stream = await client.chat.completions.create(request);

    const error = await failure(() => collect(stream));

    expect(TimeoutError.isInstance(error)).toBe(true);
    expect(error.message).toMatch(/timed out after 300 ms/);
  });

  it('fails with a TimeoutError when no response comes before timeout, after retrying', async () => {
    server = await startServer(() => {
      // Never answers.
    });
    const client = createClient({ baseURL: server.baseURL, timeout: 100, maxRetries: 1 });

    const error = await failure(() => client.chat.completions.create(request));

    expect(TimeoutError.isInstance(error)).toBe(true);
    expect(error.isRetryable).toBe(true);
    expect(server.requests).toHaveLength(2);
  });

  it('reports HTTP errors of a streaming request before any stream exists', async () => {
    server = await startServer((_req, res) =>
      sendJSON(res, 401, { error: { message: 'Incorrect API key provided', code: 'invalid_api_key' } }),
    );
    const client = createClient({ baseURL: server.baseURL });

    const error = await failure(() => client.chat.completions.create(request));

    expect(error.status).toBe(401);
    expect(error.streamStarted).toBe(false);
  });

  it('refuses to be iterated twice', async () => {
    server = await startServer((_req, res) => sendChunks(res, textChunks('a')));
    const client = createClient({ baseURL: server.baseURL });
    const stream = await client.chat.completions.create(request);
    await collect(stream);

    const error = await failure(() => collect(stream));

    expect(error.code).toBe('stream_consumed');
  });
});

describe('aborting', () => {
  it('fails at once with an AbortError when the signal is already aborted, sending nothing', async () => {
    server = await startServer((_req, res) => sendChunks(res, textChunks('a')));
    const client = createClient({ baseURL: server.baseURL });

    const error = await failure(() =>
      client.chat.completions.create(request, { signal: AbortSignal.abort() }),
    );

    expect(AbortError.isInstance(error)).toBe(true);
    expect(server.requests).toHaveLength(0);
  });

  it('aborts before the response arrives', async () => {
    const controller = new AbortController();
    let closed: Promise<void> | undefined;
    server = await startServer((_req, _res, context) => {
      closed = context.closed;
      controller.abort();
    });
    const client = createClient({ baseURL: server.baseURL });

    const error = await failure(() => client.chat.completions.create(request, { signal: controller.signal }));

    expect(AbortError.isInstance(error)).toBe(true);
    await closed;
    expect(server.requests).toHaveLength(1);
  });

  it('stops the transfer when the signal aborts mid-stream: the server sees the connection close', async () => {
    const controller = new AbortController();
    let closed: Promise<void> | undefined;
    server = await startServer(async (_req, res, context) => {
      closed = context.closed;
      startSSE(res);
      await write(res, encodeChunk(chunk({ role: 'assistant', content: 'first' })));
    });
    const client = createClient({ baseURL: server.baseURL });
    const stream = await client.chat.completions.create(request, { signal: controller.signal });
    const received: ChatCompletionChunk[] = [];

    const error = await failure(async () => {
      for await (const c of stream) {
        received.push(c);
        controller.abort();
      }
    });

    expect(received).toHaveLength(1);
    expect(AbortError.isInstance(error)).toBe(true);
    await closed;
  });

  it('stops the transfer with stream.abort()', async () => {
    let closed: Promise<void> | undefined;
    server = await startServer(async (_req, res, context) => {
      closed = context.closed;
      startSSE(res);
      await write(res, encodeChunk(chunk({ role: 'assistant', content: 'first' })));
    });
    const client = createClient({ baseURL: server.baseURL });
    const stream = await client.chat.completions.create(request);

    const error = await failure(async () => {
      for await (const _ of stream) stream.abort();
    });

    expect(AbortError.isInstance(error)).toBe(true);
    await closed;
  });

  it('closes the connection when the consumer leaves the loop early', async () => {
    let closed: Promise<void> | undefined;
    server = await startServer(async (_req, res, context) => {
      closed = context.closed;
      startSSE(res);
      await write(res, encodeChunk(chunk({ role: 'assistant', content: 'first' })));
    });
    const client = createClient({ baseURL: server.baseURL });
    const stream = await client.chat.completions.create(request);

    for await (const _ of stream) break;

    await closed;
    expect((await failure(() => stream.finalCompletion())).code).toBe('stream_incomplete');
  });

  it('closes the connection when the ReadableStream is cancelled', async () => {
    let closed: Promise<void> | undefined;
    server = await startServer(async (_req, res, context) => {
      closed = context.closed;
      startSSE(res);
      await write(res, encodeChunk(chunk({ role: 'assistant', content: 'first' })));
    });
    const client = createClient({ baseURL: server.baseURL });
    const reader = (await client.chat.completions.create(request)).toReadableStream().getReader();

    await reader.read();
    await reader.cancel();

    await closed;
  });
});

it('connection refused on a streaming request is a ConnectionError', async () => {
  const client = createClient({ baseURL: `http://127.0.0.1:${await closedPort()}/v1`, maxRetries: 0 });

  const error = await failure(() => client.chat.completions.create(request));

  expect(ConnectionError.isInstance(error)).toBe(true);
});
