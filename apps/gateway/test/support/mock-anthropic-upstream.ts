import { once } from 'node:events';
import { readFileSync } from 'node:fs';
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

/** A request as the mock received it. */
export interface ReceivedRequest {
  readonly url: string;
  readonly headers: IncomingHttpHeaders;
  readonly body: Record<string, unknown>;
}

const FIXTURES = new URL('../__fixtures__/', import.meta.url);

/** The lines of a recorded `.chunks.txt` stream (one event's JSON per line). */
export function recordedEvents(name: string): string[] {
  return readFileSync(new URL(name, FIXTURES), 'utf8')
    .split('\n')
    .filter((line) => line.trim() !== '');
}

/** A recorded JSON answer. */
export function recordedAnswer(name: string): Record<string, unknown> {
  return JSON.parse(readFileSync(new URL(name, FIXTURES), 'utf8')) as Record<string, unknown>;
}

/**
 * A mock of Anthropic's Messages API on 127.0.0.1 (a test double for the upstream, never the real
 * service): `POST /v1/messages` streams a recorded `.chunks.txt` (one `event:`/`data:` frame per
 * line, bytes unchanged) or answers a JSON body; `POST /v1/messages/count_tokens` answers
 * `input_tokens`. It records every request it receives.
 */
export class MockAnthropicUpstream {
  readonly requests: ReceivedRequest[] = [];
  /** The recorded stream `stream: true` requests get. */
  stream = 'anthropic-clear-thinking.1.chunks.txt';
  /** The JSON answer of non-stream requests. */
  answer: Record<string, unknown> = recordedAnswer('anthropic-text.json');
  countTokens = 42;
  #server: Server | undefined;

  async start(): Promise<this> {
    this.#server = createServer(async (req, res) => {
      let text = '';
      for await (const piece of req) text += String(piece);
      const body = text ? (JSON.parse(text) as Record<string, unknown>) : {};
      this.requests.push({ url: req.url ?? '', headers: req.headers, body });
      const json = (status: number, value: unknown) => {
        res.writeHead(status, { 'content-type': 'application/json', 'request-id': 'req_mock_1' });
        res.end(JSON.stringify(value));
      };
      if (req.url === '/v1/models' || req.url?.startsWith('/v1/models?'))
        return json(200, {
          data: [{ id: 'claude-sonnet-4-5-20250929', created_at: '2025-09-29T00:00:00Z' }],
        });
      if (req.url === '/v1/messages/count_tokens') return json(200, { input_tokens: this.countTokens });
      if (req.url !== '/v1/messages')
        return json(404, { type: 'error', error: { type: 'not_found_error', message: 'no' } });
      if (!body.stream) return json(200, this.answer);
      res.writeHead(200, { 'content-type': 'text/event-stream', 'request-id': 'req_mock_1' });
      for (const line of recordedEvents(this.stream)) {
        res.write(`event: ${(JSON.parse(line) as { type: string }).type}\ndata: ${line}\n\n`);
        await new Promise((resolve) => setImmediate(resolve));
      }
      res.end();
    });
    this.#server.listen(0, '127.0.0.1');
    await once(this.#server, 'listening');
    return this;
  }

  /** The base URL to configure for an `anthropic` provider (ends in `/v1`). */
  get baseURL(): string {
    if (!this.#server) throw new Error('the mock is not started');
    return `http://127.0.0.1:${(this.#server.address() as AddressInfo).port}/v1`;
  }

  /** The last request to a path. */
  last(url = '/v1/messages'): ReceivedRequest | undefined {
    return this.requests.filter((request) => request.url === url).at(-1);
  }

  async close(): Promise<void> {
    this.#server?.closeAllConnections();
    await new Promise((resolve) => this.#server?.close(resolve));
  }
}
