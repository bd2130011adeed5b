import { readFileSync } from 'node:fs';
import { createServer, type IncomingHttpHeaders, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import type { AdapterContext, Logger } from '@switchyard/adapter-kit';
import { type ChatCompletionRequest, parseChatCompletionRequest } from '@switchyard/protocol';
import { parse as parseYaml } from 'yaml';

/** One request as the local upstream received it, bytes and all. */
export interface ReceivedRequest {
  method: string;
  path: string;
  headers: IncomingHttpHeaders;
  /** The raw body text. */
  body: string;
  /** The body parsed as JSON (undefined for an empty body). */
  json: Record<string, unknown> | undefined;
}

export type Responder = (
  request: ReceivedRequest,
  res: ServerResponse,
  raw: IncomingMessage,
) => void | Promise<void>;

/** A real HTTP server on 127.0.0.1 that plays the upstream in tests. */
export interface LocalUpstream {
  /** `http://127.0.0.1:<port>/v1` */
  readonly baseURL: string;
  readonly requests: ReceivedRequest[];
  /** TCP connections accepted so far. */
  readonly connections: number;
  /** Resolves when a request's socket closes before its response finished (the client gave up). */
  nextAbandonedResponse(): Promise<void>;
  respond(responder: Responder): void;
  close(): Promise<void>;
}

export async function startLocalUpstream(responder?: Responder): Promise<LocalUpstream> {
  let current: Responder | undefined = responder;
  const requests: ReceivedRequest[] = [];
  const sockets = new Set<Socket>();
  const abandonWaiters: Array<() => void> = [];
  let connections = 0;

  const server = createServer(async (req, res) => {
    const pieces: Buffer[] = [];
    for await (const piece of req) pieces.push(piece as Buffer);
    const body = Buffer.concat(pieces).toString('utf8');
    const received: ReceivedRequest = {
      method: req.method ?? '',
      path: req.url ?? '',
      headers: req.headers,
      body,
      json: body === '' ? undefined : (JSON.parse(body) as Record<string, unknown>),
    };
    requests.push(received);
    res.on('close', () => {
      if (res.writableFinished) return;
      for (const resolve of abandonWaiters.splice(0)) resolve();
    });
    if (!current) {
      res.writeHead(500).end('no responder');
      return;
    }
    await current(received, res, req);
  });
  server.on('connection', (socket: Socket) => {
    connections++;
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;

  return {
    baseURL: `http://127.0.0.1:${port}/v1`,
    requests,
    get connections() {
      return connections;
    },
    nextAbandonedResponse: () => new Promise<void>((resolve) => abandonWaiters.push(resolve)),
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

/** Reads a fixture beside the tests, as bytes. */
export function fixture(name: string): Buffer {
  return readFileSync(new URL(`../../src/__fixtures__/${name}`, import.meta.url));
}

/** The SSE body for a vercel/ai `.chunks.txt` fixture: one `data:` event per line, then `[DONE]`. */
export function sseFromChunkLines(name: string): string {
  const lines = fixture(name)
    .toString('utf8')
    .split('\n')
    .filter((line) => line.trim() !== '');
  return `${lines.map((line) => `data: ${line}\n\n`).join('')}data: [DONE]\n\n`;
}

/** The JSON payloads of a `.chunks.txt` fixture, parsed. */
export function chunkLines(name: string): Record<string, unknown>[] {
  return fixture(name)
    .toString('utf8')
    .split('\n')
    .filter((line) => line.trim() !== '')
    .map((line) => JSON.parse(line) as Record<string, unknown>);
}

interface CassetteInteraction {
  response: { body?: { string?: string }; parsed_body?: unknown; status: { code: number } };
}

/** The interactions of a pydantic-ai VCR cassette fixture. */
export function cassette(name: string): CassetteInteraction[] {
  return (parseYaml(fixture(name).toString('utf8')) as { interactions: CassetteInteraction[] }).interactions;
}

/**
 * Serves a body as the upstream would: status 200, the given content type, written in small
 * pieces so that lines and UTF-8 characters are split across network reads.
 */
export function serveBody(
  body: string | Buffer,
  contentType: string,
  status = 200,
  pieceSize = 509,
): Responder {
  const bytes = typeof body === 'string' ? Buffer.from(body, 'utf8') : body;
  return async (_request, res) => {
    res.writeHead(status, { 'content-type': contentType });
    for (let offset = 0; offset < bytes.length; offset += pieceSize) {
      res.write(bytes.subarray(offset, offset + pieceSize));
      await new Promise<void>((resolve) => setImmediate(resolve));
    }
    res.end();
  };
}

export const SSE = 'text/event-stream; charset=utf-8';
export const JSON_TYPE = 'application/json';

/** A logger that keeps every line it is given, for assertions. */
export function recordingLogger(): Logger & {
  lines: { level: string; message: string; fields?: unknown }[];
} {
  const lines: { level: string; message: string; fields?: unknown }[] = [];
  const log = (level: string) => (message: string, fields?: Record<string, unknown>) => {
    lines.push({ level, message, fields });
  };
  return { lines, debug: log('debug'), info: log('info'), warn: log('warn'), error: log('error') };
}

/** An adapter context as server-kit would pass it. */
export function adapterContext(overrides: Partial<AdapterContext> = {}): AdapterContext {
  return {
    requestId: 'req_test_1',
    signal: new AbortController().signal,
    deadline: undefined,
    logger: recordingLogger(),
    locals: {},
    ...overrides,
  };
}

/** A validated request, as the server hands it to the adapter. */
export function chatRequest(body: Record<string, unknown>): ChatCompletionRequest {
  return parseChatCompletionRequest({
    model: 'test-model',
    messages: [{ role: 'user', content: 'Hi' }],
    ...body,
  });
}

/** Collects a stream's chunks. */
export async function collect<T>(iterable: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const item of iterable) out.push(item);
  return out;
}
