import { once } from 'node:events';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createServer as createNetServer, type Server as NetServer, type Socket } from 'node:net';

/**
 * The faults this upstream injects, chosen by the request's `model` so that one gateway config
 * with one provider reaches every fault: `faulty/<fault>`.
 */
export const FAULTS = [
  'ok',
  'reset-before-headers',
  'reset-mid-stream',
  'slow-first-byte',
  'stall-mid-stream',
  'rate-limited-retry-after',
  'rate-limited',
  'server-error',
  'unavailable-retry-after',
  'malformed-json',
  'malformed-sse',
  'oversized',
  'endless',
  'firehose',
  'endless-line',
] as const;
export type Fault = (typeof FAULTS)[number];

/** Bytes of content the `oversized` fault sends in one non-stream answer. */
export const OVERSIZED_BYTES = 64 * 1024 * 1024;

const usage = { prompt_tokens: 5, completion_tokens: 3, total_tokens: 8 };

function chunkFrame(model: string, delta: Record<string, unknown>, finish: string | null = null): string {
  const chunk = {
    id: 'chatcmpl-fault',
    object: 'chat.completion.chunk',
    created: 1,
    model,
    choices: [{ index: 0, delta, logprobs: null, finish_reason: finish }],
  };
  return `data: ${JSON.stringify(chunk)}\n\n`;
}

function completion(model: string, content: string): string {
  return JSON.stringify({
    id: 'chatcmpl-fault',
    object: 'chat.completion',
    created: 1,
    model,
    choices: [{ index: 0, message: { role: 'assistant', content }, logprobs: null, finish_reason: 'stop' }],
    usage,
  });
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * A local OpenAI-compatible upstream that misbehaves on demand. It counts what a fault test
 * needs to see from the upstream side: requests in progress (a client abort must end them),
 * requests the gateway aborted, open TCP connections, and stream bytes written.
 */
export class FaultUpstream {
  readonly #server: Server;
  readonly #sockets = new Set<Socket>();
  readonly #timers = new Set<ReturnType<typeof setTimeout>>();
  url = '';
  /** Chat requests received, by fault. */
  readonly hits = new Map<string, number>();
  /** Chat requests whose response has not finished and whose connection is still open. */
  active = 0;
  /** Chat requests whose connection closed before the answer was complete. */
  aborted = 0;
  /** Bytes of stream frames written by `endless` and `firehose` responses. */
  streamedBytes = 0;
  /** The authorization header of the last chat request (the provider key the gateway sent). */
  lastAuthorization: string | undefined;

  constructor() {
    this.#server = createServer((req, res) => void this.#handle(req, res));
    this.#server.on('connection', (socket: Socket) => {
      this.#sockets.add(socket);
      socket.on('close', () => this.#sockets.delete(socket));
    });
  }

  async start(): Promise<this> {
    this.#server.listen(0, '127.0.0.1');
    await once(this.#server, 'listening');
    this.url = `http://127.0.0.1:${(this.#server.address() as AddressInfo).port}`;
    return this;
  }

  get baseURL(): string {
    return `${this.url}/v1`;
  }

  /** TCP connections open to this upstream right now (idle keep-alive ones included). */
  get openConnections(): number {
    return this.#sockets.size;
  }

  hitsOf(fault: Fault): number {
    return this.hits.get(fault) ?? 0;
  }

  async close(): Promise<void> {
    for (const timer of this.#timers) clearTimeout(timer);
    for (const socket of this.#sockets) socket.destroy();
    await new Promise((resolve) => this.#server.close(resolve));
  }

  #later(ms: number, action: () => void): void {
    const timer = setTimeout(() => {
      this.#timers.delete(timer);
      action();
    }, ms);
    this.#timers.add(timer);
  }

  async #handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    let text = '';
    for await (const piece of req) text += piece;
    if (req.url === '/v1/models') {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ object: 'list', data: [] }));
      return;
    }
    const body = JSON.parse(text) as { model: string; stream?: boolean };
    const fault = body.model as Fault;
    this.lastAuthorization = req.headers.authorization;
    this.hits.set(fault, this.hitsOf(fault) + 1);
    this.active += 1;
    let counted = true;
    const settle = () => {
      if (!counted) return;
      counted = false;
      this.active -= 1;
      if (!res.writableFinished) this.aborted += 1;
    };
    res.once('close', settle);
    await this.#answer(fault, body.stream === true, req, res);
  }

  async #answer(fault: Fault, stream: boolean, req: IncomingMessage, res: ServerResponse): Promise<void> {
    const model = fault;
    const error = (status: number, message: string, headers: Record<string, string> = {}) => {
      res.writeHead(status, { 'content-type': 'application/json', ...headers });
      res.end(JSON.stringify({ error: { message, type: 'server_error', param: null, code: null } }));
    };
    switch (fault) {
      case 'reset-before-headers':
        req.socket.destroy();
        return;
      case 'slow-first-byte':
        // Far beyond the gateway's timeout; the gateway gives up first and closes the socket.
        this.#later(30_000, () => error(500, 'too late'));
        return;
      case 'rate-limited-retry-after':
        return error(429, 'slow down', { 'retry-after': '1' });
      case 'rate-limited':
        return error(429, 'slow down');
      case 'server-error':
        return error(500, 'upstream exploded');
      case 'unavailable-retry-after':
        return error(503, 'upstream overloaded', { 'retry-after': '1' });
      case 'malformed-json':
        res.writeHead(200, { 'content-type': 'application/json' });
        res.end('{"id":"chatcmpl-fault","object":"chat.completion","choices":[{"index":0,"mess');
        return;
      case 'oversized': {
        res.writeHead(200, { 'content-type': 'application/json' });
        const head = completion(model, '@@').split('@@');
        res.write(head[0]);
        const block = 'x'.repeat(1024 * 1024);
        for (let sent = 0; sent < OVERSIZED_BYTES && !res.destroyed; sent += block.length) {
          if (!res.write(block)) await once(res, 'drain').catch(() => undefined);
        }
        res.end(head[1]);
        return;
      }
      default:
        break;
    }
    if (!stream) {
      if (fault === 'reset-mid-stream') {
        const full = completion(model, 'half of an answer');
        res.writeHead(200, { 'content-type': 'application/json', 'content-length': String(full.length) });
        res.write(full.slice(0, 40));
        this.#later(20, () => req.socket.destroy());
        return;
      }
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(completion(model, 'fine'));
      return;
    }
    res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache' });
    res.write(chunkFrame(model, { role: 'assistant', content: '' }));
    res.write(chunkFrame(model, { content: 'first' }));
    switch (fault) {
      case 'reset-mid-stream':
        this.#later(50, () => req.socket.destroy());
        return;
      case 'stall-mid-stream':
        // Never another byte: the gateway's stream idle timeout must end it.
        return;
      case 'malformed-sse':
        res.write('data: {"id":"chatcmpl-fault","choices":[{"delta":{"content":\n\n');
        res.end('data: [DONE]\n\n');
        return;
      case 'endless':
        // A slow, long stream: one chunk every 50 ms for far longer than a test runs.
        for (let i = 0; i < 2_000 && !res.destroyed; i++) {
          await sleep(50);
          const frame = chunkFrame(model, { content: ` ${i}` });
          this.streamedBytes += frame.length;
          res.write(frame);
        }
        res.end('data: [DONE]\n\n');
        return;
      case 'endless-line': {
        // One event that never ends: 256 MiB without a line break, as fast as it is taken.
        res.write('data: {"choices":[{"index":0,"delta":{"content":"');
        const block = 'z'.repeat(64 * 1024);
        for (let i = 0; i < 4 * 1024 && !res.destroyed; i++) {
          this.streamedBytes += block.length;
          if (!res.write(block)) await once(res, 'drain').catch(() => undefined);
        }
        res.end();
        return;
      }
      case 'firehose': {
        // As fast as the gateway takes it (honouring backpressure): 256 MiB in 16 KiB chunks.
        const frame = chunkFrame(model, { content: 'y'.repeat(16 * 1024) });
        for (let i = 0; i < 16 * 1024 && !res.destroyed; i++) {
          this.streamedBytes += frame.length;
          if (!res.write(frame)) await once(res, 'drain').catch(() => undefined);
        }
        res.end('data: [DONE]\n\n');
        return;
      }
      default:
        res.write(chunkFrame(model, { content: ' answer' }));
        res.write(chunkFrame(model, {}, 'stop'));
        res.write(
          `data: ${JSON.stringify({ id: 'chatcmpl-fault', object: 'chat.completion.chunk', created: 1, model, choices: [], usage })}\n\n`,
        );
        res.end('data: [DONE]\n\n');
    }
  }
}

/** A TCP server that accepts connections, reads the request and never answers anything. */
export class HungSocketServer {
  readonly #server: NetServer;
  readonly #sockets = new Set<Socket>();
  url = '';
  accepted = 0;

  constructor() {
    this.#server = createNetServer((socket) => {
      this.accepted += 1;
      this.#sockets.add(socket);
      socket.on('close', () => this.#sockets.delete(socket));
      socket.on('error', () => undefined);
      // Reads (and drops) the request, or the client's FIN would never be noticed.
      socket.resume();
    });
  }

  async start(): Promise<this> {
    this.#server.listen(0, '127.0.0.1');
    await once(this.#server, 'listening');
    this.url = `http://127.0.0.1:${(this.#server.address() as AddressInfo).port}`;
    return this;
  }

  get open(): number {
    return this.#sockets.size;
  }

  async close(): Promise<void> {
    for (const socket of this.#sockets) socket.destroy();
    await new Promise((resolve) => this.#server.close(resolve));
  }
}

/** A loopback port nothing listens on (bound, then released). */
export async function closedPort(): Promise<number> {
  const server = createNetServer();
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return port;
}
