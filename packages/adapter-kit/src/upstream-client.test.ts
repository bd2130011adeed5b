import { once } from 'node:events';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import {
  AbortError,
  ConnectionError,
  createProtocolError,
  ProtocolError,
  TimeoutError,
} from '@switchyard/protocol';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  createUpstreamClient,
  type UpstreamClientSettings,
  type UpstreamErrorAnswer,
  type UpstreamRequest,
} from './upstream-client.js';

// A real HTTP server on 127.0.0.1 plays the upstream (a mock provider); each test sets `respond`.
type Respond = (req: IncomingMessage, res: ServerResponse) => void;
let respond: Respond;
let server: Server;
let baseURL: string;
let connections = 0;
/** Resolves when the next response's connection closes before the response finished. */
let abandoned: Promise<void>;
let markAbandoned: () => void;

function resetAbandoned(): void {
  abandoned = new Promise((resolve) => {
    markAbandoned = resolve;
  });
}

beforeAll(async () => {
  server = createServer((req, res) => {
    res.on('close', () => {
      if (!res.writableFinished) markAbandoned();
    });
    req.resume();
    req.on('end', () => respond(req, res));
  });
  server.on('connection', () => {
    connections++;
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  baseURL = `http://127.0.0.1:${(server.address() as AddressInfo).port}/v1`;
});
afterAll(async () => {
  server.closeAllConnections();
  server.close();
});

const answers: UpstreamErrorAnswer[] = [];
const toError = (answer: UpstreamErrorAnswer): ProtocolError => {
  answers.push(answer);
  return createProtocolError({ message: `upstream said ${answer.status}`, status: answer.status, code: 'x' });
};

function call(overrides: Partial<UpstreamRequest> = {}): UpstreamRequest {
  return {
    path: '/chat',
    method: 'POST',
    headers: {},
    body: '{}',
    signal: new AbortController().signal,
    ...overrides,
  };
}

async function failure(promise: Promise<unknown>): Promise<ProtocolError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(ProtocolError.isInstance(error)).toBe(true);
  return error as ProtocolError;
}

async function drain(body: AsyncIterable<Uint8Array>): Promise<string> {
  let text = '';
  for await (const piece of body) text += Buffer.from(piece).toString('utf8');
  return text;
}

const hang: Respond = () => {};
const TRANSPORTS: [string, Partial<UpstreamClientSettings>][] = [
  ['undici (the default)', {}],
  ['an injected fetch (the global one)', { fetch: (input, init) => fetch(input, init) }],
];

describe.each(TRANSPORTS)('over %s', (_name, transport) => {
  const client = (settings: Partial<UpstreamClientSettings> = {}) =>
    createUpstreamClient({ baseURL, toError, provider: 'acme', ...transport, ...settings });

  // The first call loads the transport (the global fetch loads lazily): not part of any timing.
  beforeAll(async () => {
    respond = (_req, res) => res.end('{}');
    await client().json(call());
  });

  describe('timeouts', () => {
    it('a number is the total: the whole call, a body read included', async () => {
      resetAbandoned();
      respond = (_req, res) => {
        res.writeHead(200, { 'content-type': 'text/plain' });
        res.write('part');
      };
      const upstream = await client({ timeout: 1000 }).send(call());
      const error = await failure(drain(upstream.body()));
      expect(TimeoutError.isInstance(error)).toBe(true);
      expect(error.code).toBe('timeout');
      expect(error.isRetryable).toBe(true);
      expect(error.message).toBe(
        "The upstream (provider 'acme') did not answer within the total timeout of 1000 ms.",
      );
      await abandoned;
    });

    it('headers: until the response head arrives', async () => {
      resetAbandoned();
      respond = hang;
      const error = await failure(client({ timeout: { headers: 300 } }).send(call()));
      expect(error.message).toBe(
        "The upstream (provider 'acme') did not answer within the headers timeout of 300 ms.",
      );
      await abandoned;
    });

    it('idle: the longest wait for the next body bytes, however long the call', async () => {
      resetAbandoned();
      respond = (_req, res) => {
        res.writeHead(200, { 'content-type': 'text/plain' });
        let sent = 0;
        const timer = setInterval(() => {
          res.write(`${sent}`);
          if (++sent === 5) clearInterval(timer); // then silence
        }, 20);
        res.on('close', () => clearInterval(timer));
      };
      const upstream = await client({ timeout: { idle: 500 } }).send(call());
      const pieces: string[] = [];
      const error = await failure(
        (async () => {
          for await (const piece of upstream.body()) pieces.push(Buffer.from(piece).toString());
        })(),
      );
      expect(pieces.join('')).toBe('01234');
      expect(error.message).toBe(
        "The upstream (provider 'acme') did not answer within the idle timeout of 500 ms.",
      );
      await abandoned;
    });

    it('the deadline shortens the total', async () => {
      resetAbandoned();
      respond = hang;
      const error = await failure(client({ timeout: 60_000 }).send(call({ deadline: Date.now() + 300 })));
      expect(error.code).toBe('timeout');
      expect(error.message).toMatch(/within the total timeout of \d+ ms/);
      await abandoned;
    });

    it('a deadline already passed fails before sending', async () => {
      const before = connections;
      const error = await failure(client().send(call({ deadline: Date.now() - 1 })));
      expect(error.code).toBe('timeout');
      expect(connections).toBe(before);
    });
  });

  describe('abort', () => {
    it('the caller aborting before the answer aborts the upstream request', async () => {
      resetAbandoned();
      respond = hang;
      const controller = new AbortController();
      const pending = client().send(call({ signal: controller.signal }));
      setTimeout(() => controller.abort(), 50);
      const error = await failure(pending);
      expect(AbortError.isInstance(error)).toBe(true);
      expect(error.code).toBe('aborted');
      await abandoned;
    });

    it('the caller aborting mid-body fails the read and closes the upstream request', async () => {
      resetAbandoned();
      respond = (_req, res) => {
        res.writeHead(200, { 'content-type': 'text/plain' });
        res.write('first');
      };
      const controller = new AbortController();
      const upstream = await client().send(call({ signal: controller.signal }));
      const error = await failure(
        (async () => {
          for await (const _piece of upstream.body()) controller.abort();
        })(),
      );
      expect(AbortError.isInstance(error)).toBe(true);
      await abandoned;
    });

    it('stopping the body early closes the upstream request', async () => {
      resetAbandoned();
      respond = (_req, res) => {
        res.writeHead(200, { 'content-type': 'text/plain' });
        res.write('first');
      };
      const upstream = await client().send(call());
      for await (const _piece of upstream.body()) break;
      await abandoned;
    });
  });

  describe('the response-size cap', () => {
    it('a body over maxResponseBytes is a bad_response, and the upstream request is closed', async () => {
      resetAbandoned();
      respond = (_req, res) => {
        res.writeHead(200, { 'content-type': 'application/json' });
        const piece = Buffer.alloc(4096, 'x');
        const write = () => {
          while (res.write(piece)) if (res.writableLength > 1 << 20) break;
        };
        write();
        res.on('drain', write);
      };
      const error = await failure(client({ maxResponseBytes: 16 * 1024 }).json(call()));
      expect(error.code).toBe('bad_response');
      expect(error.status).toBe(502);
      expect(error.message).toBe("The answer of the upstream (provider 'acme') is larger than 16384 bytes.");
      await abandoned;
    });

    it('a body that is not JSON is a bad_response quoting its start', async () => {
      respond = (_req, res) => res.end('<html>proxy error</html>');
      const error = await failure(client().json(call({ requestId: 'req-1' })));
      expect(error.code).toBe('bad_response');
      expect(error.message).toBe(
        "The answer of the upstream (provider 'acme') is not JSON: <html>proxy error</html>",
      );
      expect(error.requestId).toBe('req-1');
    });
  });

  describe('error answers', () => {
    it('hands the status, parsed body, text and retry hints to toError', async () => {
      answers.length = 0;
      respond = (_req, res) => {
        res.writeHead(429, {
          'content-type': 'application/json',
          'retry-after': '2',
          'x-should-retry': 'false',
        });
        res.end('\n\n{"error":{"message":"slow down"}}');
      };
      const error = await failure(client().send(call({ requestId: 'req-7' })));
      expect(error.message).toBe('upstream said 429');
      const [answer] = answers;
      expect({ ...answer, headers: undefined }).toStrictEqual({
        status: 429,
        headers: undefined,
        body: { error: { message: 'slow down' } },
        text: '\n\n{"error":{"message":"slow down"}}',
        requestId: 'req-7',
        retryAfterMs: 2000,
        retryable: false,
      });
      expect(answer?.headers.get('content-type')).toBe('application/json');
    });

    it('retry-after-ms wins over retry-after; x-should-retry true is a hint too', async () => {
      answers.length = 0;
      respond = (_req, res) => {
        res.writeHead(503, { 'retry-after-ms': '250', 'retry-after': '9', 'x-should-retry': 'true' });
        res.end('busy');
      };
      await failure(client().send(call()));
      expect(answers[0]).toMatchObject({ status: 503, body: 'busy', retryAfterMs: 250, retryable: true });
    });

    it('an error body over the cap is dropped: the status still tells', async () => {
      answers.length = 0;
      respond = (_req, res) => {
        res.writeHead(500);
        res.end('e'.repeat(64 * 1024));
      };
      await failure(client({ maxResponseBytes: 1024 }).send(call()));
      expect(answers[0]).toMatchObject({ status: 500, body: undefined, text: '' });
      expect('retryAfterMs' in (answers[0] as object)).toBe(false);
    });
  });

  it('a refused connection is a retryable ConnectionError naming the cause', async () => {
    const closed = createServer();
    closed.listen(0, '127.0.0.1');
    await once(closed, 'listening');
    const port = (closed.address() as AddressInfo).port;
    closed.close();
    await once(closed, 'close');
    const error = await failure(client({ baseURL: `http://127.0.0.1:${port}` }).send(call()));
    expect(ConnectionError.isInstance(error)).toBe(true);
    expect(error.isRetryable).toBe(true);
    // The client learns which provider failed, never where it lives (the cause keeps that for logs).
    expect(error.message).toBe("The connection to the upstream (provider 'acme') failed: ECONNREFUSED.");
    expect(error.message).not.toContain(`${port}`);
  });

  it('sends the method, path, headers and body as given', async () => {
    let seen: { method?: string; url?: string; header?: string; body: string } = { body: '' };
    server.once('request', (req: IncomingMessage) => {
      seen = { method: req.method, url: req.url, header: req.headers['x-test'] as string, body: '' };
      req.on('data', (piece: Buffer) => {
        seen.body += piece.toString();
      });
    });
    respond = (_req, res) => res.end('{"ok":true}');
    const value = await client({ baseURL: `${baseURL}//` }).json(
      call({ path: '/models?limit=2', headers: { 'x-test': 'yes' }, body: '{"a":1}' }),
    );
    expect(value).toStrictEqual({ ok: true });
    expect(seen).toStrictEqual({ method: 'POST', url: '/v1/models?limit=2', header: 'yes', body: '{"a":1}' });
  });
});

describe('keep-alive', () => {
  it('one client reuses its connections for calls in sequence', async () => {
    respond = (_req, res) => res.end('{}');
    const client = createUpstreamClient({ baseURL, toError, provider: 'acme' });
    const before = connections;
    for (let i = 0; i < 8; i++) await client.json(call());
    // A new connection per call would be 8; a response can end before its socket is back in the pool.
    expect(connections - before).toBeGreaterThanOrEqual(1);
    expect(connections - before).toBeLessThanOrEqual(2);
  });

  it('an abandoned body does not poison the pool: the next call still answers', async () => {
    respond = (_req, res) => {
      res.writeHead(200);
      res.write('x');
    };
    const client = createUpstreamClient({ baseURL, toError, provider: 'acme' });
    const upstream = await client.send(call());
    upstream.close();
    respond = (_req, res) => res.end('{"again":true}');
    expect(await client.json(call())).toStrictEqual({ again: true });
  });
});
