import { readFileSync } from 'node:fs';
import { createServer, type IncomingHttpHeaders, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/** A request as the local upstream received it: the body is the exact bytes, decoded as UTF-8. */
export interface RecordedRequest {
  method: string;
  url: string;
  headers: IncomingHttpHeaders;
  body: string;
  /** Resolves when the client closed the connection (for abort propagation tests). */
  closed: Promise<void>;
}

/** What the upstream answers. `body` pieces are written one by one, flushed between. */
export interface UpstreamReply {
  status?: number;
  headers?: Record<string, string>;
  body: string | readonly (string | Uint8Array)[];
  /** Keep the response open after the body (a stalled upstream). */
  hang?: boolean;
  /** Milliseconds to wait between body pieces (a slow upstream). Default: none. */
  pieceDelayMs?: number;
}

export type UpstreamHandler = (request: RecordedRequest) => UpstreamReply | Promise<UpstreamReply>;

export interface Upstream {
  /** Base URL to configure as the adapter's `baseURL` (ends in `/v1`). */
  baseURL: string;
  requests: RecordedRequest[];
  /** The JSON body of the last request. */
  lastBody(): Record<string, unknown>;
  close(): Promise<void>;
}

/** Starts a real HTTP server on 127.0.0.1 (random port) that answers with `handler`. */
export async function startUpstream(handler: UpstreamHandler): Promise<Upstream> {
  const requests: RecordedRequest[] = [];
  const open = new Set<ServerResponse>();
  const server = createServer(async (req, res) => {
    open.add(res);
    res.on('close', () => open.delete(res));
    const pieces: Buffer[] = [];
    for await (const piece of req) pieces.push(piece as Buffer);
    const closed = new Promise<void>((resolve) => res.on('close', () => resolve()));
    const recorded: RecordedRequest = {
      method: req.method ?? '',
      url: req.url ?? '',
      headers: req.headers,
      body: Buffer.concat(pieces).toString('utf8'),
      closed,
    };
    requests.push(recorded);
    const reply = await handler(recorded);
    res.writeHead(reply.status ?? 200, reply.headers ?? {});
    const body = typeof reply.body === 'string' ? [reply.body] : reply.body;
    for (const piece of body) {
      if (res.destroyed) return;
      res.write(piece);
      await new Promise((resolve) =>
        reply.pieceDelayMs ? setTimeout(resolve, reply.pieceDelayMs) : setImmediate(resolve),
      );
    }
    if (!reply.hang) res.end();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    baseURL: `http://127.0.0.1:${port}/v1`,
    requests,
    lastBody() {
      const last = requests.at(-1);
      if (!last) throw new Error('the upstream received no request');
      return JSON.parse(last.body) as Record<string, unknown>;
    },
    close() {
      for (const res of open) res.destroy();
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      server.closeAllConnections();
      return closed;
    },
  };
}

const FIXTURES = new URL('../../src/__fixtures__/', import.meta.url);

/** The exact text of a fixture file. */
export function readFixture(name: string): string {
  return readFileSync(new URL(name, FIXTURES), 'utf8');
}

/** The JSON payloads of a `.chunks.txt` fixture, one per line. */
export function fixtureEvents(name: string): Record<string, unknown>[] {
  return fixtureLines(name).map((line) => JSON.parse(line) as Record<string, unknown>);
}

function fixtureLines(name: string): string[] {
  return readFixture(name)
    .split('\n')
    .filter((line) => line.trim() !== '');
}

const SSE_HEADERS = { 'content-type': 'text/event-stream', 'cache-control': 'no-cache' };

/**
 * Serves a recorded vector as a real response: `.json` as the body, `.chunks.txt` as one
 * `event: <type>` + `data: <line>` frame per line (the line bytes unchanged), raw SSE `.txt` as is.
 */
export function vectorReply(name: string, headers: Record<string, string> = {}): UpstreamReply {
  if (name.endsWith('.json')) {
    return { headers: { 'content-type': 'application/json', ...headers }, body: readFixture(name) };
  }
  if (name.endsWith('.chunks.txt')) {
    const frames = fixtureLines(name).map((line) => {
      const type = (JSON.parse(line) as { type: string }).type;
      return `event: ${type}\ndata: ${line}\n\n`;
    });
    return { headers: { ...SSE_HEADERS, ...headers }, body: frames };
  }
  // Raw SSE: sent in small pieces so that frames and lines are split across network reads.
  const text = readFixture(name);
  const pieces: string[] = [];
  for (let i = 0; i < text.length; i += 97) pieces.push(text.slice(i, i + 97));
  return { headers: { ...SSE_HEADERS, ...headers }, body: pieces };
}
