import { readFileSync } from 'node:fs';
import type { IncomingHttpHeaders } from 'node:http';
import { startTestUpstream } from '@switchyard/adapter-kit/testing';

/** A request as the local upstream received it: the body is the exact bytes, decoded as UTF-8. */
export interface RecordedRequest {
  method: string;
  url: string;
  headers: IncomingHttpHeaders;
  body: string;
  /** Resolves when the client closed the request before its answer ended (abort propagation tests). */
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

/** adapter-kit's test upstream (`baseURL` ending in `/v1`), answering with `handler`'s replies. */
export async function startUpstream(handler: UpstreamHandler): Promise<Upstream> {
  const requests: RecordedRequest[] = [];
  const upstream = await startTestUpstream(
    async (request, res) => {
      const recorded: RecordedRequest = {
        method: request.method,
        url: request.path,
        headers: request.headers,
        body: request.body,
        closed: request.abandoned,
      };
      requests.push(recorded);
      const reply = await handler(recorded);
      res.writeHead(reply.status ?? 200, reply.headers ?? {});
      for (const piece of typeof reply.body === 'string' ? [reply.body] : reply.body) {
        if (res.destroyed) return;
        res.write(piece);
        await new Promise((resolve) =>
          reply.pieceDelayMs ? setTimeout(resolve, reply.pieceDelayMs) : setImmediate(resolve),
        );
      }
      if (!reply.hang) res.end();
    },
    { basePath: '/v1' },
  );
  return {
    baseURL: upstream.baseURL,
    requests,
    lastBody() {
      const last = requests.at(-1);
      if (!last) throw new Error('the upstream received no request');
      return JSON.parse(last.body) as Record<string, unknown>;
    },
    close: () => upstream.close(),
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
