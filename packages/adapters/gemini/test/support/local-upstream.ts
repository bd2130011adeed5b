import { readFileSync } from 'node:fs';
import type { ServerResponse } from 'node:http';
import { type ReceivedRequest, startTestUpstream, type TestUpstream } from '@switchyard/adapter-kit/testing';

/** What the local upstream answers; `write` takes over the response for streaming or stalling. */
export interface UpstreamReply {
  readonly status?: number;
  readonly headers?: Record<string, string>;
  readonly body?: string | Buffer;
  readonly write?: (response: ServerResponse) => void | Promise<void>;
}

/**
 * adapter-kit's test upstream (`baseURL` ending in `/v1beta`) answering every request with
 * `reply(request)`: a JSON body by default.
 */
export function startLocalUpstream(
  reply: (request: ReceivedRequest) => UpstreamReply | Promise<UpstreamReply>,
): Promise<TestUpstream> {
  return startTestUpstream(
    async (request, response) => {
      const answer = await reply(request);
      if (answer.write) return answer.write(response);
      response.writeHead(answer.status ?? 200, { 'content-type': 'application/json', ...answer.headers });
      response.end(answer.body ?? '');
    },
    { basePath: '/v1beta' },
  );
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
