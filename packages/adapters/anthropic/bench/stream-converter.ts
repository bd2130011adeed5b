// Throughput of the stream converter on recorded events (prints numbers; not part of the tests).
// Run: node --conditions=@switchyard/source --import tsx bench/stream-converter.ts
import { readFileSync } from 'node:fs';
import { AnthropicStreamConverter } from '../src/anthropic-stream-converter.js';

const lines = readFileSync(
  new URL('../src/__fixtures__/anthropic-clear-thinking.1.chunks.txt', import.meta.url),
  'utf8',
)
  .split('\n')
  .filter((line) => line.trim() !== '');

function run(rounds: number): number {
  let chunks = 0;
  for (let i = 0; i < rounds; i++) {
    const converter = new AnthropicStreamConverter({ model: 'm', created: 0, jsonTool: false });
    for (const line of lines) chunks += converter.pushData(line).length;
    chunks += converter.end().length;
  }
  return chunks;
}

run(2000);
const rounds = 20_000;
const start = performance.now();
const chunks = run(rounds);
const ms = performance.now() - start;
const events = rounds * lines.length;
console.log(
  `${events} events → ${chunks} chunks in ${ms.toFixed(0)} ms: ${((events / ms) * 1000).toFixed(0)} events/s, ${((ms / events) * 1000).toFixed(2)} µs/event`,
);
