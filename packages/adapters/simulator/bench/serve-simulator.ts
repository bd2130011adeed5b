// Throughput of the simulator behind the server-kit node handler, over loopback HTTP, client and
// server in one process (so numbers are a lower bound). Only prints numbers.
// Run: node --conditions=@switchyard/source --import tsx bench/serve-simulator.ts
import { Agent, request } from 'node:http';
import { startTestServer } from '@switchyard/server-kit/testing';
import { createSimulatorAdapter } from '../src/index.js';

const server = await startTestServer({ adapters: [createSimulatorAdapter()] });
const { port } = new URL(server.url);
const agent = new Agent({ keepAlive: true });

function post(body: object): Promise<string> {
  const payload = JSON.stringify(body);
  return new Promise((resolve, reject) => {
    const req = request(
      {
        host: '127.0.0.1',
        port,
        method: 'POST',
        path: '/v1/chat/completions',
        agent,
        headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(payload) },
      },
      (res) => {
        let text = '';
        res.setEncoding('utf8');
        res.on('data', (piece: string) => {
          text += piece;
        });
        res.on('end', () => resolve(text));
      },
    );
    req.on('error', reject);
    req.end(payload);
  });
}

async function run(label: string, body: object, total: number, concurrency: number): Promise<void> {
  let next = 0;
  const start = performance.now();
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next++ < total) await post(body);
    }),
  );
  const seconds = (performance.now() - start) / 1000;
  console.log(`${label}, concurrency ${concurrency}: ${(total / seconds).toFixed(0)} req/s`);
}

const echo = { model: 'simulator/echo', messages: [{ role: 'user', content: 'Hello, how are you today?' }] };
await run('warm-up', echo, 1000, 4);
for (const concurrency of [1, 16]) await run('non-stream echo', echo, 4000, concurrency);
for (const concurrency of [1, 16])
  await run('stream echo (9 chunks)', { ...echo, stream: true }, 2000, concurrency);
const start = performance.now();
const text = await post({
  model: 'simulator/babble',
  stream: true,
  messages: [{ role: 'user', content: 'x [simulate:words=50000]' }],
});
const chunks = text.split('\n\n').length - 2;
const seconds = (performance.now() - start) / 1000;
console.log(
  `one long stream: ${chunks} chunks in ${seconds.toFixed(2)} s = ${(chunks / seconds).toFixed(0)} chunks/s`,
);
agent.destroy();
await server.close();
