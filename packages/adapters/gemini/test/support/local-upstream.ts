import { readFileSync } from 'node:fs';
import { createServer, type IncomingHttpHeaders, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/** A request as the local upstream received it, bytes included. */
export interface ReceivedRequest {
  readonly method: string;
  /** Path and query, e.g. `/v1beta/models/gemini-2.5-flash:streamGenerateContent?alt=sse`. */
  readonly url: string;
  readonly headers: IncomingHttpHeaders;
  readonly body: string;
}

/** What the local upstream answers; `write` takes over the response for streaming or stalling. */
export interface UpstreamReply {
  readonly status?: number;
  readonly headers?: Record<string, string>;
  readonly body?: string | Buffer;
  readonly write?: (response: ServerResponse) => void | Promise<void>;
}

export interface LocalUpstream {
  /** `http://127.0.0.1:<port>/v1beta`, the adapter's `baseURL`. */
  readonly baseURL: string;
  readonly requests: ReceivedRequest[];
  close(): Promise<void>;
}

/** A real HTTP server on 127.0.0.1 (port 0) that answers every request with `reply(request)`. */
export async function startLocalUpstream(
  reply: (request: ReceivedRequest) => UpstreamReply | Promise<UpstreamReply>,
): Promise<LocalUpstream> {
  const requests: ReceivedRequest[] = [];
  const server = createServer(async (req, res) => {
    const pieces: Buffer[] = [];
    for await (const piece of req) pieces.push(piece as Buffer);
    const request: ReceivedRequest = {
      method: req.method ?? 'GET',
      url: req.url ?? '/',
      headers: req.headers,
      body: Buffer.concat(pieces).toString('utf8'),
    };
    requests.push(request);
    try {
      const answer = await reply(request);
      if (answer.write) {
        await answer.write(res);
        return;
      }
      res.writeHead(answer.status ?? 200, { 'content-type': 'application/json', ...answer.headers });
      res.end(answer.body ?? '');
    } catch (error) {
      res.writeHead(599, { 'content-type': 'text/plain' });
      res.end(String(error));
    }
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    baseURL: `http://127.0.0.1:${port}/v1beta`,
    requests,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** The bytes of a file in `src/__fixtures__`. */
export function fixture(name: string): Buffer {
  return readFileSync(new URL(`../../src/__fixtures__/${name}`, import.meta.url));
}

/** A `.chunks.txt` fixture (one JSON payload per line) framed the way Gemini frames SSE events. */
export function chunksAsSSE(name: string): string {
  return fixture(name)
    .toString('utf8')
    .split('\n')
    .filter((line) => line.trim() !== '')
    .map((line) => `data: ${line}\r\n\r\n`)
    .join('');
}

/** The JSON payloads of a fixture: lines of a `.chunks.txt`, `data:` events of a `.txt`, or a `.json` body. */
export function fixturePayloads(name: string): Array<Record<string, unknown>> {
  const text = fixture(name).toString('utf8');
  if (name.endsWith('.json')) return [JSON.parse(text)];
  const lines = name.endsWith('.chunks.txt')
    ? text.split('\n')
    : text.split(/\r?\n/).flatMap((line) => (line.startsWith('data: ') ? [line.slice(6)] : []));
  return lines.filter((line) => line.trim() !== '').map((line) => JSON.parse(line));
}

export const SSE_HEADERS = { 'content-type': 'text/event-stream' } as const;
