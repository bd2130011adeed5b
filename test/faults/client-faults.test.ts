import { once } from 'node:events';
import { Agent, request as httpRequest } from 'node:http';
import { connect } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FaultUpstream } from './support/fault-upstream.js';
import {
  ADMIN_KEY,
  assertHealthy,
  eventually,
  ledgerRow,
  metric,
  type RunningGateway,
  removeDir,
  rssBytes,
  sleep,
  startGateway,
} from './support/harness.js';

/**
 * Client faults against a real gateway process: clients that go away, read slowly, trickle
 * their headers, or send bodies the gateway must refuse.
 */

const BODY_LIMIT = 256 * 1024;
const HEADERS_TIMEOUT_MS = 1_500;
// Long enough that a loaded machine answers an oversized upload (413) well before it; the
// trickled-body test waits it out.
const REQUEST_TIMEOUT_MS = 6_000;
let upstream: FaultUpstream;
let gateway: RunningGateway;

beforeAll(async () => {
  upstream = await new FaultUpstream().start();
  gateway = await startGateway({
    env: { SWITCHYARD_ADMIN_KEY: ADMIN_KEY },
    config: {
      server: {
        bodyLimitBytes: BODY_LIMIT,
        headersTimeoutMs: HEADERS_TIMEOUT_MS,
        requestTimeoutMs: REQUEST_TIMEOUT_MS,
      },
      providers: {
        faulty: {
          type: 'openai-compatible',
          baseURL: upstream.baseURL,
          apiKey: 'sk-test-secret-upstream-0123456789',
          models: ['ok'],
          discover: false,
        },
      },
      routing: { retries: 0, maxPassthroughModels: 5 },
    },
  });
});

afterAll(async () => {
  await gateway?.stop();
  await upstream?.close();
  if (gateway) removeDir(gateway.dataDir);
});

function streamRequest(model: string, signal?: AbortSignal): Promise<Response> {
  return gateway.fetch('/v1/chat/completions', {
    method: 'POST',
    body: JSON.stringify({ model, stream: true, messages: [{ role: 'user', content: 'hi' }] }),
    ...(signal ? { signal } : {}),
  });
}

describe('a client that disconnects mid-stream', () => {
  it('aborts the upstream call, writes a 499 row and leaves nothing open', async () => {
    const aborted = upstream.aborted;
    const before = await metric(gateway, 'switchyard_requests_total', {
      model: 'faulty/endless',
      status: '499',
    });
    const controller = new AbortController();
    const response = await streamRequest('faulty/endless', controller.signal);
    expect(response.status).toBe(200);
    const reader = response.body!.getReader();
    let text = '';
    // Reads past the request timeout: it bounds receiving the request, never a long answer.
    const readUntil = Date.now() + 2_500;
    while (Date.now() < readUntil) text += new TextDecoder().decode((await reader.read()).value);
    expect(text).toContain('"content":" 1"');
    expect(await metric(gateway, 'switchyard_inflight_streams')).toBe(1);
    controller.abort();

    await eventually(() => upstream.aborted === aborted + 1, 'the upstream saw the abort');
    await eventually(() => upstream.active === 0, 'no upstream call left running');
    const row = await ledgerRow(gateway, response.headers.get('x-request-id')!);
    expect(row).toMatchObject({ model: 'faulty/endless', status: 499, error_code: 'aborted', stream: 1 });
    expect(
      await metric(gateway, 'switchyard_requests_total', { model: 'faulty/endless', status: '499' }),
    ).toBe(before + 1);
    expect(await metric(gateway, 'switchyard_inflight_streams')).toBe(0);
    await assertHealthy(gateway, 'faulty/ok');
  });
});

describe('a client that gives up before the first byte', () => {
  it.each([false, true])(
    'stream: %s → the upstream call is aborted, a 499 row is written',
    async (stream) => {
      const aborted = upstream.aborted;
      const hits = upstream.hitsOf('slow-first-byte');
      const controller = new AbortController();
      const response = gateway.fetch('/v1/chat/completions', {
        method: 'POST',
        body: JSON.stringify({
          model: 'faulty/slow-first-byte',
          stream,
          messages: [{ role: 'user', content: 'hi' }],
        }),
        signal: controller.signal,
        headers: { 'x-request-id': `give-up-${stream}` },
      });
      await eventually(() => upstream.hitsOf('slow-first-byte') === hits + 1, 'the upstream got the call');
      controller.abort();
      await expect(response).rejects.toThrow();
      await eventually(() => upstream.aborted === aborted + 1, 'the upstream saw the abort');
      const row = await ledgerRow(gateway, `give-up-${stream}`);
      expect(row).toMatchObject({ model: 'faulty/slow-first-byte', status: 499, error_code: 'aborted' });
      await assertHealthy(gateway, 'faulty/ok');
    },
  );
});

describe('a client that reads a long stream very slowly', () => {
  it('holds the upstream back (backpressure) and keeps the gateway memory bounded', async () => {
    const pid = gateway.process.pid!;
    const baseline = rssBytes(pid);
    let peak = baseline;
    const controller = new AbortController();
    const response = await streamRequest('faulty/firehose', controller.signal);
    expect(response.status).toBe(200);
    const reader = response.body!.getReader();
    let received = 0;
    const sent = upstream.streamedBytes;
    const until = Date.now() + 3_000;
    while (Date.now() < until) {
      received += (await reader.read()).value?.byteLength ?? 0;
      peak = Math.max(peak, rssBytes(pid));
      await sleep(50);
    }
    const pushed = upstream.streamedBytes - sent;
    controller.abort();
    // Unthrottled, the upstream would have pushed its 256 MiB by now; with backpressure it is
    // at most a few socket buffers ahead of the reader.
    expect(pushed - received).toBeLessThan(48 * 1024 * 1024);
    // Generous: the heap grows with the traffic before collecting; an unbounded buffer would
    // hold the whole 256 MiB.
    expect(peak - baseline).toBeLessThan(192 * 1024 * 1024);
    await eventually(() => upstream.active === 0, 'the firehose was aborted');
    const row = await ledgerRow(gateway, response.headers.get('x-request-id')!);
    expect(row).toMatchObject({ status: 499, error_code: 'aborted' });
    await assertHealthy(gateway, 'faulty/ok');
  });
});

/** Sends raw bytes on a new connection and returns everything received until the gateway closes it. */
async function rawExchange(bytes: string): Promise<string> {
  const { port, hostname } = new URL(gateway.url);
  const socket = connect(Number(port), hostname);
  let answer = '';
  socket.setEncoding('utf8').on('data', (text: string) => {
    answer += text;
  });
  socket.on('error', () => undefined);
  const closed = once(socket, 'close');
  socket.write(bytes);
  await closed;
  return answer;
}

/** The status and protocol error of a raw HTTP answer. */
function parseRawAnswer(answer: string): { status: number; close: boolean; error: { code: string } } {
  const [head = '', body = ''] = answer.split('\r\n\r\n');
  return {
    status: Number(/^HTTP\/1\.1 (\d{3}) /.exec(head)?.[1]),
    close: /^connection: close$/im.test(head),
    error: (JSON.parse(body) as { error: { code: string } }).error,
  };
}

describe('slowloris: a client that trickles its headers', () => {
  it('is cut off by the headers timeout while others are served, and counted', async () => {
    const before = await metric(gateway, 'switchyard_client_errors_total', { reason: 'request_timeout' });
    const { port, hostname } = new URL(gateway.url);
    const socket = connect(Number(port), hostname);
    await once(socket, 'connect');
    let answer = '';
    socket.setEncoding('utf8').on('data', (text: string) => {
      answer += text;
    });
    const closed = once(socket, 'close');
    let open = true;
    void closed.then(() => {
      open = false;
    });
    socket.write('POST /v1/chat/completions HTTP/1.1\r\nHost: x\r\n');
    const trickle = setInterval(() => {
      if (open) socket.write('x-slow: a\r\n');
    }, 100);
    try {
      // Others are served while the slow client holds its connection.
      await assertHealthy(gateway, 'faulty/ok');
      await closed;
    } finally {
      clearInterval(trickle);
      socket.destroy();
    }
    expect(parseRawAnswer(answer)).toEqual({
      status: 408,
      close: true,
      error: expect.objectContaining({ code: 'request_timeout' }),
    });
    expect(await metric(gateway, 'switchyard_client_errors_total', { reason: 'request_timeout' })).toBe(
      before + 1,
    );
    await assertHealthy(gateway, 'faulty/ok');
  });
});

describe('a client that trickles its body', () => {
  it('gets 408 once server.requestTimeoutMs passes, closed and counted, although its headers were complete', async () => {
    const before = await metric(gateway, 'switchyard_client_errors_total', { reason: 'request_timeout' });
    const { port, hostname } = new URL(gateway.url);
    const socket = connect(Number(port), hostname);
    await once(socket, 'connect');
    let answer = '';
    socket.setEncoding('utf8').on('data', (text: string) => {
      answer += text;
    });
    const closed = once(socket, 'close');
    let open = true;
    void closed.then(() => {
      open = false;
    });
    const started = Date.now();
    socket.write(
      `POST /v1/chat/completions HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer ${ADMIN_KEY}\r\n` +
        'Content-Type: application/json\r\nContent-Length: 100000\r\n\r\n{"model":"faulty/ok",',
    );
    // A byte every 100 ms: never idle, never finished.
    const trickle = setInterval(() => {
      if (open) socket.write(' ');
    }, 100);
    try {
      await closed;
    } finally {
      clearInterval(trickle);
      socket.destroy();
    }
    expect(Date.now() - started).toBeGreaterThanOrEqual(REQUEST_TIMEOUT_MS - 100);
    expect(parseRawAnswer(answer)).toEqual({
      status: 408,
      close: true,
      error: expect.objectContaining({ code: 'request_timeout' }),
    });
    expect(await metric(gateway, 'switchyard_client_errors_total', { reason: 'request_timeout' })).toBe(
      before + 1,
    );
    await assertHealthy(gateway, 'faulty/ok');
  });
});

describe('requests Node cannot parse', () => {
  const cases = [
    {
      name: 'chunk extensions over 16 KiB',
      bytes:
        `POST /v1/chat/completions HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer ${ADMIN_KEY}\r\n` +
        `Content-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n2;ext=${'a'.repeat(20 * 1024)}\r\n{}\r\n0\r\n\r\n`,
      status: 413,
      reason: 'chunk_extensions_too_large',
      code: 'body_too_large',
    },
    {
      name: 'not HTTP',
      bytes: 'HELLO?\r\n\r\n',
      status: 400,
      reason: 'bad_request',
      code: 'invalid_request',
    },
    {
      name: 'headers over the 16 KiB limit',
      bytes: `GET /healthz HTTP/1.1\r\nHost: x\r\nx-big: ${'a'.repeat(20 * 1024)}\r\n\r\n`,
      status: 431,
      reason: 'headers_too_large',
      code: 'headers_too_large',
    },
  ];

  it.each(cases)('$name → $status, closed, counted as $reason', async (c) => {
    const before = await metric(gateway, 'switchyard_client_errors_total', { reason: c.reason });
    const answer = parseRawAnswer(await rawExchange(c.bytes));
    expect(answer).toEqual({
      status: c.status,
      close: true,
      error: expect.objectContaining({ code: c.code }),
    });
    expect(await metric(gateway, 'switchyard_client_errors_total', { reason: c.reason })).toBe(before + 1);
    await assertHealthy(gateway, 'faulty/ok');
  });
});

describe('an idle keep-alive connection', () => {
  it('outlives the headers timeout and serves its next request', async () => {
    const agent = new Agent({ keepAlive: true, maxSockets: 1 });
    const get = () =>
      new Promise<{ status: number; port: number }>((resolve, reject) => {
        const req = httpRequest(new URL('/healthz', gateway.url), { agent }, (res) => {
          res.resume();
          res.on('end', () => resolve({ status: res.statusCode!, port: req.socket!.localPort! }));
        });
        req.on('error', reject);
        req.end();
      });
    try {
      const first = await get();
      await sleep(HEADERS_TIMEOUT_MS + 1_500);
      const second = await get();
      expect(second).toEqual({ status: 200, port: first.port });
    } finally {
      agent.destroy();
    }
  });
});

interface RawResponse {
  status: number;
  body: { error: { message: string; type: string; param: string | null; code: string } };
}

/** Posts raw bytes (optionally in pieces, without content-length) with node:http. */
async function postRaw(body: Buffer, options: { chunked?: boolean } = {}): Promise<RawResponse> {
  const url = new URL('/v1/chat/completions', gateway.url);
  const req = httpRequest(url, {
    method: 'POST',
    headers: {
      authorization: `Bearer ${ADMIN_KEY}`,
      'content-type': 'application/json',
      ...(options.chunked ? {} : { 'content-length': String(body.byteLength) }),
    },
  });
  req.on('error', () => undefined);
  const answered = once(req, 'response');
  if (options.chunked) {
    for (let i = 0; i < body.byteLength; i += 64 * 1024) {
      if (req.destroyed) break;
      req.write(body.subarray(i, i + 64 * 1024));
    }
  } else {
    req.write(body);
  }
  req.end();
  const [res] = (await answered) as [import('node:http').IncomingMessage];
  let text = '';
  for await (const piece of res) text += piece;
  return { status: res.statusCode!, body: JSON.parse(text) as RawResponse['body'] };
}

const messages = [{ role: 'user', content: 'hi' }];

/**
 * Uploads a chunked body that never ends, as fast as the gateway reads it, until the gateway
 * closes the connection or `ceiling` bytes are written. Returns the answer and the bytes written.
 */
async function endlessChunkedUpload(ceiling: number): Promise<{ answer: string; written: number }> {
  const { port, hostname } = new URL(gateway.url);
  const socket = connect(Number(port), hostname);
  await once(socket, 'connect');
  let answer = '';
  socket.setEncoding('utf8').on('data', (text: string) => {
    answer += text;
  });
  // The gateway closing mid-upload is the expected end: EPIPE/ECONNRESET, then 'close'.
  socket.on('error', () => undefined);
  let open = true;
  const closed = new Promise<void>((resolve) => socket.once('close', () => resolve())).then(() => {
    open = false;
  });
  socket.write(
    `POST /v1/chat/completions HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer ${ADMIN_KEY}\r\n` +
      'Content-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n',
  );
  const size = 64 * 1024;
  const frame = Buffer.from(`${size.toString(16)}\r\n${'x'.repeat(size)}\r\n`);
  while (open && socket.bytesWritten < ceiling) {
    if (!socket.write(frame)) await Promise.race([once(socket, 'drain').catch(() => undefined), closed]);
  }
  const written = socket.bytesWritten;
  socket.destroy();
  await closed;
  return { answer, written };
}

/**
 * A valid request whose deepest nesting is `depth` levels: the body object (1), `messages` (2),
 * the message (3), then arrays in a vendor field of the message, which the gateway passes through.
 */
function nestedBody(depth: number): Buffer {
  const arrays = depth - 3;
  return Buffer.from(
    `{"model":"faulty/ok","messages":[{"role":"user","content":"hi","x_nested":${'['.repeat(arrays)}${']'.repeat(arrays)}}]}`,
  );
}

describe('bodies the gateway refuses', () => {
  const cases: { name: string; body: () => Buffer; chunked?: boolean; status: number; code: string }[] = [
    {
      name: 'oversized, declared by content-length',
      body: () => Buffer.from(JSON.stringify({ model: 'faulty/ok', messages, pad: 'x'.repeat(BODY_LIMIT) })),
      status: 413,
      code: 'body_too_large',
    },
    {
      name: 'oversized, chunked',
      body: () =>
        Buffer.from(JSON.stringify({ model: 'faulty/ok', messages, pad: 'x'.repeat(4 * BODY_LIMIT) })),
      chunked: true,
      status: 413,
      code: 'body_too_large',
    },
    {
      name: 'invalid UTF-8',
      body: () =>
        Buffer.concat([
          Buffer.from('{"model":"faulty/ok","messages":[{"role":"user","content":"'),
          Buffer.from([0xc3, 0x28, 0xff, 0xfe]),
          Buffer.from('"}]}'),
        ]),
      status: 400,
      code: 'invalid_json',
    },
    {
      name: 'deeply nested JSON',
      body: () =>
        Buffer.from(
          `{"model":"faulty/ok","messages":[{"role":"user","content":"hi"}],"metadata":${'['.repeat(50_000)}${']'.repeat(50_000)}}`,
        ),
      status: 400,
      code: 'invalid_json',
    },
    {
      name: 'JSON nested 257 levels, one past the limit',
      body: () => nestedBody(257),
      status: 400,
      code: 'invalid_json',
    },
  ];

  it('stops reading an endless chunked upload once it passes the limit: 413, closed, nothing more read', async () => {
    const before = await metric(gateway, 'switchyard_rejections_total', { reason: 'body_too_large' });
    const { answer, written } = await endlessChunkedUpload(64 * 1024 * 1024);
    // The limit (256 KiB) plus what the sockets' kernel buffers took in: a gateway that went on
    // reading (to buffer or to discard) would have taken the whole 64 MiB.
    expect(written, 'bytes the gateway let the client write').toBeLessThan(16 * 1024 * 1024);
    expect(parseRawAnswer(answer)).toEqual({
      status: 413,
      close: true,
      error: expect.objectContaining({ code: 'body_too_large' }),
    });
    expect(await metric(gateway, 'switchyard_rejections_total', { reason: 'body_too_large' })).toBe(
      before + 1,
    );
    await assertHealthy(gateway, 'faulty/ok');
  });

  it('serves JSON nested exactly 256 levels (the limit)', async () => {
    const response = await postRaw(nestedBody(256));
    expect(response.status).toBe(200);
  });

  it.each(cases)('$name → $status $code, counted, and the gateway keeps serving', async (c) => {
    const before = await metric(gateway, 'switchyard_rejections_total', { reason: c.code });
    const response = await postRaw(c.body(), { chunked: c.chunked ?? false });
    expect(response.status).toBe(c.status);
    expect(response.body.error).toMatchObject({ code: c.code, type: 'invalid_request_error' });
    expect(response.body.error.message).toEqual(expect.any(String));
    // Refused before admission: no ledger row (the ledger bills admitted requests), but counted.
    expect(await metric(gateway, 'switchyard_rejections_total', { reason: c.code })).toBe(before + 1);
    await assertHealthy(gateway, 'faulty/ok');
  });
});

describe('made-up model names against an upstream that answers any model', () => {
  it('keep their own metrics series, breaker and /readyz entry only up to routing.maxPassthroughModels', async () => {
    const headers: (string | null)[] = [];
    for (let i = 0; i < 30; i++) {
      const response = await gateway.fetch('/v1/chat/completions', {
        method: 'POST',
        body: JSON.stringify({ model: `faulty/made-up-${i}`, messages }),
      });
      expect(response.status).toBe(200);
      headers.push(response.headers.get('x-switchyard-deployment'));
      await response.text();
    }
    const named = headers.filter((h) => h?.startsWith('faulty/made-up-'));
    expect(named.length).toBeLessThanOrEqual(5);
    expect(headers.filter((h) => h === 'other')).toHaveLength(30 - named.length);
    const text = await (await gateway.fetch('/metrics', { key: null })).text();
    const series = new Set([...text.matchAll(/model="(faulty\/made-up-\d+)"/g)].map((m) => m[1]));
    expect(series.size).toBeLessThanOrEqual(5);
    expect(await metric(gateway, 'switchyard_requests_total', { model: 'other', status: '200' })).toBe(
      30 - named.length,
    );
    const ready = (await (await gateway.fetch('/readyz', { key: null })).json()) as {
      deployments: { deployment: string }[];
    };
    expect(ready.deployments.filter((d) => d.deployment.includes('made-up')).length).toBeLessThanOrEqual(5);
  });

  it('a model name over 256 characters is a 400 on model, counted, and the gateway keeps serving', async () => {
    const before = await metric(gateway, 'switchyard_rejections_total', { reason: 'invalid_request' });
    const response = await postRaw(
      Buffer.from(JSON.stringify({ model: `faulty/${'x'.repeat(200_000)}`, messages })),
      {
        chunked: false,
      },
    );
    expect(response.status).toBe(400);
    expect(response.body.error).toMatchObject({ code: 'invalid_request', param: 'model' });
    expect(await metric(gateway, 'switchyard_rejections_total', { reason: 'invalid_request' })).toBe(
      before + 1,
    );
    await assertHealthy(gateway, 'faulty/ok');
  });
});
