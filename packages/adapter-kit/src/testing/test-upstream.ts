import { createServer, type IncomingHttpHeaders, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';

/** One request as the test upstream received it, bytes and all. */
export interface ReceivedRequest {
  readonly method: string;
  /** Path and query, e.g. `/v1/chat/completions` or `/v1beta/models/x:streamGenerateContent?alt=sse`. */
  readonly path: string;
  readonly headers: IncomingHttpHeaders;
  /** The raw body, decoded as UTF-8. */
  readonly body: string;
  /** The body parsed as JSON; `undefined` when it is empty. */
  readonly json: Record<string, unknown> | undefined;
  /**
   * Resolves when the client closed the request before its response finished: the adapter gave up
   * on it (abort, timeout). Never resolves for a request answered to its end.
   */
  readonly abandoned: Promise<void>;
  /** Whether {@link ReceivedRequest.abandoned} has happened. */
  isAbandoned(): boolean;
}

/** Answers one request; write the response with `res` (see `serveBody`, `stall`, `answerError`…). */
export type Responder = (request: ReceivedRequest, res: ServerResponse) => void | Promise<void>;

/** A real HTTP server on 127.0.0.1 that plays an upstream provider in tests. */
export interface TestUpstream {
  /** `http://127.0.0.1:<port>`. */
  readonly origin: string;
  /** The origin plus the `basePath` it was started with (`http://127.0.0.1:<port>/v1`): an adapter's `baseURL`. */
  readonly baseURL: string;
  /** Every request received, oldest first (clear with `requests.length = 0`). */
  readonly requests: ReceivedRequest[];
  /** TCP connections accepted so far (keep-alive reuse shows as fewer connections than requests). */
  readonly connections: number;
  /** The last request received; throws when there is none. */
  lastRequest(): ReceivedRequest;
  /** Resolves with the next request the upstream receives. */
  nextRequest(): Promise<ReceivedRequest>;
  /** Resolves when the next request is abandoned by its client before its response finished. */
  nextAbandoned(): Promise<void>;
  /** Replaces the responder for the requests that follow. */
  respond(responder: Responder): void;
  /** Drops open connections and stops listening. */
  close(): Promise<void>;
}

/**
 * Starts a test upstream on a free loopback port (`basePath`, e.g. `/v1`, makes its `baseURL`). Without a responder (or after one throws), a
 * request gets a 500 whose body says why, so that a test fails with a reason instead of hanging.
 *
 * @example
 * ```ts
 * const upstream = await startTestUpstream(serveJson({ output: 'Hello' }), { basePath: '/v1' });
 * const adapter = createAcmeAdapter({ baseURL: upstream.baseURL, apiKey: 'test-key' });
 * // … call the adapter, then:
 * expect(upstream.lastRequest().json).toMatchObject({ model: 'acme-1' });
 * await upstream.close();
 * ```
 */
export async function startTestUpstream(
  responder?: Responder,
  options: { readonly basePath?: string } = {},
): Promise<TestUpstream> {
  let current = responder;
  const requests: ReceivedRequest[] = [];
  const waiting: Array<(request: ReceivedRequest) => void> = [];
  const abandonWaiters: Array<() => void> = [];
  const sockets = new Set<Socket>();
  let connections = 0;

  const server = createServer(async (req, res) => {
    let closedEarly = false;
    const abandoned = new Promise<void>((resolve) => {
      res.on('close', () => {
        if (res.writableFinished) return;
        closedEarly = true;
        resolve();
        for (const notify of abandonWaiters.splice(0)) notify();
      });
    });
    const pieces: Buffer[] = [];
    try {
      for await (const piece of req) pieces.push(piece as Buffer);
    } catch {
      return; // the client reset the connection while sending its body
    }
    const body = Buffer.concat(pieces).toString('utf8');
    const request: ReceivedRequest = {
      method: req.method ?? '',
      path: req.url ?? '/',
      headers: req.headers,
      body,
      json: parseJson(body),
      abandoned,
      isAbandoned: () => closedEarly,
    };
    requests.push(request);
    for (const resolve of waiting.splice(0)) resolve(request);
    try {
      if (!current) throw new Error('the test upstream has no responder: call respond() first');
      await current(request, res);
    } catch (error) {
      if (res.headersSent) res.destroy();
      else res.writeHead(500, { 'content-type': 'text/plain' }).end(`test upstream: ${String(error)}`);
    }
  });
  server.on('connection', (socket: Socket) => {
    connections++;
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;

  return {
    origin: `http://127.0.0.1:${port}`,
    baseURL: `http://127.0.0.1:${port}${options.basePath ?? ''}`,
    requests,
    get connections() {
      return connections;
    },
    lastRequest() {
      const last = requests.at(-1);
      if (!last) throw new Error('the test upstream received no request');
      return last;
    },
    nextRequest: () => new Promise<ReceivedRequest>((resolve) => waiting.push(resolve)),
    nextAbandoned: () => new Promise<void>((resolve) => abandonWaiters.push(resolve)),
    respond(next) {
      current = next;
    },
    close: () =>
      new Promise<void>((resolve) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
      }),
  };
}

function parseJson(body: string): Record<string, unknown> | undefined {
  if (body === '') return undefined;
  try {
    return JSON.parse(body) as Record<string, unknown>;
  } catch {
    return undefined;
  }
}
