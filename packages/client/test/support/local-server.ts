import { once } from 'node:events';
import { createServer, type IncomingHttpHeaders, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { ChatCompletion, ChatCompletionChunk } from '@switchyard/protocol';
import { encodeChunk, SSE_DONE, SSE_HEADERS } from '@switchyard/protocol';

/** A request as the test server received it. */
export interface ReceivedRequest {
  method: string;
  url: string;
  headers: IncomingHttpHeaders;
  body: string;
  /** The parsed JSON body (undefined when empty); tests inspect it freely. */
  // biome-ignore lint/suspicious/noExplicitAny: assertions reach into arbitrary request bodies.
  json: any;
}

export interface HandlerContext {
  /** 0-based number of this request on the server. */
  index: number;
  /** Resolves when the connection of this response closes (the client left, or it finished). */
  closed: Promise<void>;
}

export type Handler = (
  request: ReceivedRequest,
  response: ServerResponse,
  context: HandlerContext,
) => unknown;

export interface LocalServer {
  /** `http://127.0.0.1:<port>/v1` */
  baseURL: string;
  port: number;
  requests: ReceivedRequest[];
  close(): Promise<void>;
}

/** A real HTTP server on loopback, port 0, answering with `handler`. */
export async function startServer(handler: Handler): Promise<LocalServer> {
  const requests: ReceivedRequest[] = [];
  const server = createServer(async (req, res) => {
    const pieces: Buffer[] = [];
    for await (const piece of req) pieces.push(piece as Buffer);
    const body = Buffer.concat(pieces).toString('utf8');
    const request: ReceivedRequest = {
      method: req.method ?? '',
      url: req.url ?? '',
      headers: req.headers,
      body,
      json: body ? JSON.parse(body) : undefined,
    };
    requests.push(request);
    const closed = new Promise<void>((resolve) => res.on('close', resolve));
    try {
      await handler(request, res, { index: requests.length - 1, closed });
    } catch {
      res.destroy();
    }
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as AddressInfo;
  return {
    baseURL: `http://127.0.0.1:${port}/v1`,
    port,
    requests,
    close: () => {
      server.closeAllConnections();
      return new Promise((resolve) => server.close(() => resolve()));
    },
  };
}

/** A loopback port with nothing listening on it. */
export async function closedPort(): Promise<number> {
  const server = createServer();
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

export function sendJSON(
  res: ServerResponse,
  status: number,
  body: unknown,
  headers: Record<string, string> = {},
): void {
  res.writeHead(status, { 'content-type': 'application/json', ...headers });
  res.end(typeof body === 'string' ? body : JSON.stringify(body));
}

/** Starts an SSE response (headers are flushed at once). */
export function startSSE(res: ServerResponse, headers: Record<string, string> = {}): void {
  res.writeHead(200, { ...SSE_HEADERS, ...headers });
  res.flushHeaders();
}

/** Writes and waits until the bytes are handed to the socket, so they leave as their own packet. */
export function write(res: ServerResponse, data: string | Uint8Array): Promise<void> {
  return new Promise((resolve, reject) => res.write(data, (error) => (error ? reject(error) : resolve())));
}

/** Sends a whole stream of chunks then `[DONE]`. */
export function sendChunks(
  res: ServerResponse,
  chunks: ChatCompletionChunk[],
  headers: Record<string, string> = {},
) {
  startSSE(res, headers);
  res.end(chunks.map(encodeChunk).join('') + SSE_DONE);
}

const BASE = {
  id: 'chatcmpl-test',
  object: 'chat.completion.chunk',
  created: 1,
  model: 'test-model',
} as const;

/** A chunk of choice 0 with the given delta fields and finish reason. */
export function chunk(
  delta: Record<string, unknown>,
  finishReason: string | null = null,
): ChatCompletionChunk {
  return { ...BASE, choices: [{ index: 0, delta, finish_reason: finishReason }] } as ChatCompletionChunk;
}

/** The chunks of a short text answer: role, one chunk per piece, finish, usage. */
export function textChunks(...pieces: string[]): ChatCompletionChunk[] {
  return [
    chunk({ role: 'assistant', content: '' }),
    ...pieces.map((content) => chunk({ content })),
    chunk({}, 'stop'),
    {
      ...BASE,
      choices: [],
      usage: { prompt_tokens: 3, completion_tokens: pieces.length, total_tokens: 3 + pieces.length },
    },
  ];
}

/** A non-stream completion with one choice. */
export function completion(message: Record<string, unknown>, finishReason = 'stop'): ChatCompletion {
  return {
    id: 'chatcmpl-test',
    object: 'chat.completion',
    created: 1,
    model: 'test-model',
    choices: [
      { index: 0, message: { role: 'assistant', ...message }, logprobs: null, finish_reason: finishReason },
    ],
    usage: { prompt_tokens: 5, completion_tokens: 2, total_tokens: 7 },
  } as ChatCompletion;
}
