/**
 * The server side of `stream.bench.ts`, run in a child process so that its CPU time is not
 * counted: serves the same 10,000-chunk chat-completion stream to every request.
 * `x-bench-mode: bulk` writes the body at once; otherwise one event per write.
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';

const CHUNKS = Number(process.env.BENCH_CHUNKS ?? 10_000);
const base = {
  id: 'chatcmpl-bench',
  object: 'chat.completion.chunk',
  created: 1_730_000_000,
  model: 'gpt-4o-mini-2024-07-18',
  system_fingerprint: 'fp_0123456789',
};
const event = (delta: object, finish: string | null = null) =>
  `data: ${JSON.stringify({ ...base, choices: [{ index: 0, delta, logprobs: null, finish_reason: finish }] })}\n\n`;

const events = [event({ role: 'assistant', content: '', refusal: null })];
for (let i = 1; i < CHUNKS - 1; i++) events.push(event({ content: ` token${i % 100}` }));
events.push(event({}, 'stop'));
events.push(
  `data: ${JSON.stringify({ ...base, choices: [], usage: { prompt_tokens: 10, completion_tokens: CHUNKS - 2, total_tokens: CHUNKS + 8 } })}\n\n`,
  'data: [DONE]\n\n',
);
const bulk = Buffer.from(events.join(''));
const pieces = events.map((text) => Buffer.from(text));

const server = createServer(async (req, res) => {
  for await (const _ of req);
  res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache' });
  if (req.headers['x-bench-mode'] === 'bulk') return res.end(bulk);
  for (const piece of pieces) {
    if (!res.write(piece)) await new Promise((resolve) => res.once('drain', resolve));
  }
  res.end();
});
server.listen(0, '127.0.0.1', () => {
  process.send?.({ port: (server.address() as AddressInfo).port, bytes: bulk.length, chunks: CHUNKS });
});
process.on('disconnect', () => process.exit(0));
