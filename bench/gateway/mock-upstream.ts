// The mock OpenAI-compatible upstream: a separate process on 127.0.0.1 that answers from
// pre-serialised buffers so that it costs as little CPU as possible and never becomes the bottleneck.
//
//   node --import tsx bench/gateway/mock-upstream.ts [--port 0] [--chunks 40] [--chunk-delay-ms 0]
//
// Prints `{"event":"listening","port":N}` on stdout once it listens.
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { parseArgs } from 'node:util';
import { COMPLETION_TEXT, chunkText, DEFAULT_STREAM_CHUNKS, UPSTREAM_MODEL } from './fixtures.js';

const { values } = parseArgs({
  options: {
    port: { type: 'string', default: '0' },
    chunks: { type: 'string', default: String(DEFAULT_STREAM_CHUNKS) },
    'chunk-delay-ms': { type: 'string', default: '0' },
  },
});
const CHUNKS = Number(values.chunks);
const DELAY_MS = Number(values['chunk-delay-ms']);
if (!Number.isInteger(CHUNKS) || CHUNKS < 1 || !(DELAY_MS >= 0)) {
  process.stderr.write('mock-upstream: --chunks must be a positive integer, --chunk-delay-ms ≥ 0\n');
  process.exit(2);
}

const CREATED = 1_767_225_600;
const ID = 'chatcmpl-mock-0123456789abcdef';
const USAGE = { prompt_tokens: 42, completion_tokens: CHUNKS, total_tokens: 42 + CHUNKS };

const completion = Buffer.from(
  JSON.stringify({
    id: ID,
    object: 'chat.completion',
    created: CREATED,
    model: UPSTREAM_MODEL,
    choices: [
      {
        index: 0,
        message: { role: 'assistant', content: COMPLETION_TEXT, refusal: null },
        logprobs: null,
        finish_reason: 'stop',
      },
    ],
    usage: { prompt_tokens: 42, completion_tokens: 160, total_tokens: 202 },
    system_fingerprint: 'fp_mock',
  }),
);

const event = (payload: unknown) => `data: ${JSON.stringify(payload)}\n\n`;
const chunk = (choices: unknown[], extra: Record<string, unknown> = {}) =>
  event({
    id: ID,
    object: 'chat.completion.chunk',
    created: CREATED,
    model: UPSTREAM_MODEL,
    system_fingerprint: 'fp_mock',
    choices,
    ...extra,
  });

/** Every event of one streamed answer, in order: content chunks, finish, usage, [DONE]. */
const streamEvents: Buffer[] = [];
for (let i = 0; i < CHUNKS; i++) {
  const delta = i === 0 ? { role: 'assistant', content: chunkText(i) } : { content: chunkText(i) };
  streamEvents.push(
    Buffer.from(chunk([{ index: 0, delta, logprobs: null, finish_reason: null }], { usage: null })),
  );
}
streamEvents.push(
  Buffer.from(chunk([{ index: 0, delta: {}, logprobs: null, finish_reason: 'stop' }], { usage: null })),
);
streamEvents.push(Buffer.from(chunk([], { usage: USAGE })));
streamEvents.push(Buffer.from('data: [DONE]\n\n'));
const wholeStream = Buffer.concat(streamEvents);

const models = Buffer.from(
  JSON.stringify({
    object: 'list',
    data: [{ id: UPSTREAM_MODEL, object: 'model', created: CREATED, owned_by: 'bench' }],
  }),
);

const JSON_HEADERS = { 'content-type': 'application/json' };
const SSE_HEADERS = { 'content-type': 'text/event-stream', 'cache-control': 'no-cache' };
const STREAM_MARKER = Buffer.from('"stream":true');

const stats = { chat_json: 0, chat_stream: 0, models: 0, aborted_streams: 0, other: 0 };

function sendJson(res: ServerResponse, status: number, body: Buffer): void {
  res.writeHead(status, { ...JSON_HEADERS, 'content-length': body.length });
  res.end(body);
}

function sendStream(res: ServerResponse): void {
  res.writeHead(200, SSE_HEADERS);
  if (DELAY_MS === 0) {
    // One write of the pre-joined events (still chunked transfer encoding, as real providers).
    res.write(wholeStream);
    res.end();
    return;
  }
  let next = 0;
  let timer: NodeJS.Timeout | undefined;
  const tick = () => {
    const piece = streamEvents[next++]!;
    // The finish, usage and [DONE] events follow the last content chunk without a delay.
    if (next >= CHUNKS) {
      res.end(Buffer.concat(streamEvents.slice(next - 1)));
      timer = undefined;
      return;
    }
    res.write(piece);
    timer = setTimeout(tick, DELAY_MS);
  };
  res.once('close', () => {
    if (timer !== undefined) {
      clearTimeout(timer);
      stats.aborted_streams++;
    }
  });
  tick();
}

function handle(req: IncomingMessage, res: ServerResponse, body: Buffer): void {
  const url = req.url ?? '/';
  if (req.method === 'POST' && url.startsWith('/v1/chat/completions')) {
    if (body.includes(STREAM_MARKER)) {
      stats.chat_stream++;
      sendStream(res);
    } else {
      stats.chat_json++;
      sendJson(res, 200, completion);
    }
    return;
  }
  if (req.method === 'GET' && url.startsWith('/v1/models')) {
    stats.models++;
    sendJson(res, 200, models);
    return;
  }
  if (req.method === 'GET' && url === '/__stats') {
    sendJson(res, 200, Buffer.from(JSON.stringify(stats)));
    return;
  }
  stats.other++;
  sendJson(
    res,
    404,
    Buffer.from(JSON.stringify({ error: { message: 'not found', type: 'invalid_request_error' } })),
  );
}

const server = createServer({ keepAliveTimeout: 65_000, requestTimeout: 0 }, (req, res) => {
  const parts: Buffer[] = [];
  req.on('data', (part: Buffer) => parts.push(part));
  req.on('end', () => handle(req, res, parts.length === 1 ? parts[0]! : Buffer.concat(parts)));
});
server.headersTimeout = 30_000;
server.listen(Number(values.port), '127.0.0.1', () => {
  const { port } = server.address() as AddressInfo;
  process.stdout.write(`${JSON.stringify({ event: 'listening', port })}\n`);
});
process.on('SIGTERM', () => process.exit(0));
process.on('SIGINT', () => process.exit(0));
