// The codec over a real loopback HTTP connection: node:http server, fetch client.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { accumulateChunks } from '../accumulator/index.js';
import type { ChatCompletionChunk } from '../schemas/index.js';
import { fixtureSSE } from './__fixtures__/streams.js';
import { decodeSSE } from './decode-sse.js';
import { encodeChunk, encodeComment, SSE_DONE, SSE_HEADERS } from './sse-encoder.js';

let server: Server | undefined;

afterEach(async () => {
  server?.closeAllConnections();
  await new Promise((resolve) => server?.close(resolve));
  server = undefined;
});

async function listen(handler: (req: IncomingMessage, res: ServerResponse) => void): Promise<string> {
  server = createServer(handler);
  await new Promise<void>((resolve) => server?.listen(0, '127.0.0.1', resolve));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;
}

const chunk = (content: string): ChatCompletionChunk => ({
  id: 'chatcmpl-http',
  object: 'chat.completion.chunk',
  created: 1,
  model: 'glm-5.1',
  choices: [{ index: 0, delta: { content }, logprobs: null, finish_reason: null }],
});

describe('SSE over HTTP', () => {
  it('decodes a recorded stream written in 61-byte pieces with CRLF line ends', async () => {
    const body = new TextEncoder().encode(
      new TextDecoder().decode(fixtureSSE('test_zai_thinking_stream.yaml')).replaceAll('\n', '\r\n'),
    );
    const url = await listen(async (_req, res) => {
      res.writeHead(200, SSE_HEADERS);
      for (let offset = 0; offset < body.length; offset += 61) {
        res.write(body.subarray(offset, offset + 61));
        if (offset % 610 === 0) await new Promise((resolve) => setImmediate(resolve));
      }
      res.end();
    });
    const response = await fetch(url);
    expect(response.headers.get('content-type')).toBe('text/event-stream; charset=utf-8');
    const chunks: ChatCompletionChunk[] = [];
    let done = false;
    for await (const event of decodeSSE(response.body!)) {
      if (event.type === 'chunk') chunks.push(event.chunk);
      else if (event.type === 'done') done = true;
    }
    expect(done).toBe(true);
    const completion = await accumulateChunks(chunks);
    expect(completion.choices[0]?.message.content).toBe('4');
    expect(completion.usage?.completion_tokens_details?.reasoning_tokens).toBe(561);
  });

  it('carries what the encoder writes (CJK, emoji, keep-alive comments) through the socket', async () => {
    const contents = ['你好', '，世界', ' 🚀', '\r\n'];
    const url = await listen((_req, res) => {
      res.writeHead(200, SSE_HEADERS);
      res.write(encodeComment('keep-alive'));
      for (const content of contents) res.write(encodeChunk(chunk(content)));
      res.end(SSE_DONE);
    });
    const events = [];
    for await (const event of decodeSSE((await fetch(url)).body!)) events.push(event);
    expect(events).toStrictEqual([
      { type: 'comment', text: 'keep-alive' },
      ...contents.map((content) => ({
        type: 'chunk',
        chunk: chunk(content),
        data: JSON.stringify(chunk(content)),
      })),
      { type: 'done' },
    ]);
  });

  it('closes the connection when the consumer stops iterating', async () => {
    let writes = 0;
    let serverSawClose!: () => void;
    const closed = new Promise<void>((resolve) => {
      serverSawClose = resolve;
    });
    const url = await listen((_req, res) => {
      res.writeHead(200, SSE_HEADERS);
      // An endless stream: only the client going away ends it.
      const timer = setInterval(() => {
        writes++;
        res.write(encodeChunk(chunk(String(writes))));
      }, 2);
      res.on('close', () => {
        clearInterval(timer);
        serverSawClose();
      });
    });
    let received = 0;
    for await (const event of decodeSSE((await fetch(url)).body!)) {
      if (event.type === 'chunk' && ++received === 3) break;
    }
    await closed;
    expect(received).toBe(3);
  });
});
