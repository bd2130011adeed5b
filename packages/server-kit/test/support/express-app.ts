// An express 5 app around the middleware, run as its own process by bindings.test.ts: vitest
// starts workers with `--conditions import`, under which express's router cannot load is-promise.
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import express from 'express';
import { createChatServer } from '../../src/chat-server.js';
import { createExpressMiddleware } from '../../src/express/index.js';
import { chunk, chunksThenStall, helloChunks, scriptedAdapter } from './scripted-adapter.js';

let aborts = 0;
const hello = scriptedAdapter({
  models: ['test-model'],
  stream: async function* () {
    yield* helloChunks();
  },
});
const stalling = scriptedAdapter({
  models: ['stall-model'],
  stream: (_request, context) => {
    context.signal.addEventListener('abort', () => {
      aborts++;
    });
    return chunksThenStall([chunk({ delta: { role: 'assistant', content: 'Hi' } })], context);
  },
});

const app = express();
app.get('/healthz', (_req, res) => {
  res.send('ok');
});
app.get('/aborts', (_req, res) => {
  res.json({ aborts });
});
app.use(createExpressMiddleware(createChatServer({ adapters: [hello, stalling] })));
app.use('/api', createExpressMiddleware(createChatServer({ adapters: [hello] })));
app.get('/after', (_req, res) => {
  res.send('after');
});
const server = createServer(app);
server.listen(0, '127.0.0.1', () => {
  process.stdout.write(`${JSON.stringify({ port: (server.address() as AddressInfo).port })}\n`);
});
process.stdin.on('end', () => process.exit(0));
process.stdin.resume();
