/**
 * CPU time to consume a 10,000-chunk chat-completion stream from a local server, this client
 * side by side with the `openai` npm SDK, in one process: interleaved rounds, medians.
 * The server runs in a child process, so only the client's work is measured.
 *
 *   pnpm --filter @switchyard/client run bench
 */
import { fork } from 'node:child_process';
import { once } from 'node:events';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import OpenAI from 'openai';
import { createClient } from '../src/index.js';

const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 11);
const WARMUP = 3;

setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;

const child = fork(new URL('./sse-server.ts', import.meta.url), { execArgv: ['--import', 'tsx'] });
const [{ port, bytes, chunks }] = (await once(child, 'message')) as [
  { port: number; bytes: number; chunks: number },
];

const messages = [{ role: 'user' as const, content: 'Count.' }];
const params = { model: 'gpt-4o-mini', messages, stream: true as const };

type Run = (mode: string) => Promise<number>;

function ours(mode: string) {
  return createClient({
    baseURL: `http://127.0.0.1:${port}/v1`,
    apiKey: 'k',
    headers: { 'x-bench-mode': mode },
  });
}
function sdk(mode: string) {
  return new OpenAI({
    baseURL: `http://127.0.0.1:${port}/v1`,
    apiKey: 'k',
    defaultHeaders: { 'x-bench-mode': mode },
  });
}

const cases: { name: string; ours: Run; sdk: Run }[] = [
  {
    name: 'iterate chunks',
    ours: async (mode) => {
      let n = 0;
      for await (const _ of await ours(mode).chat.completions.create(params)) n++;
      return n;
    },
    sdk: async (mode) => {
      let n = 0;
      for await (const _ of await sdk(mode).chat.completions.create(params)) n++;
      return n;
    },
  },
  {
    name: 'final completion',
    ours: async (mode) => {
      const stream = await ours(mode).chat.completions.create(params);
      return (await stream.finalCompletion()).usage?.completion_tokens ?? 0;
    },
    sdk: async (mode) =>
      (await sdk(mode).chat.completions.stream(params).finalChatCompletion()).usage?.completion_tokens ?? 0,
  },
  {
    name: 'text stream',
    ours: async (mode) => {
      let length = 0;
      for await (const text of (await ours(mode).chat.completions.create(params)).textStream())
        length += text.length;
      return length;
    },
    sdk: async (mode) => {
      let length = 0;
      for await (const chunk of await sdk(mode).chat.completions.create(params)) {
        length += chunk.choices[0]?.delta.content?.length ?? 0;
      }
      return length;
    },
  },
];

async function cpuMs(run: Run, mode: string): Promise<number> {
  gc();
  const start = process.cpuUsage();
  const result = await run(mode);
  const used = process.cpuUsage(start);
  if (!result) throw new Error('the run consumed nothing');
  return (used.user + used.system) / 1000;
}

const median = (values: number[]) => {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = sorted.length >> 1;
  return sorted.length % 2
    ? (sorted[middle] as number)
    : ((sorted[middle - 1] as number) + (sorted[middle] as number)) / 2;
};

console.log(
  `${chunks} chunks (${(bytes / 1e6).toFixed(1)} MB) per stream, ${ROUNDS} rounds after ${WARMUP} warm-up, Node ${process.version}`,
);
const rows: string[][] = [];
for (const mode of ['events', 'bulk']) {
  for (const { name, ours: a, sdk: b } of cases) {
    const mine: number[] = [];
    const theirs: number[] = [];
    for (let round = 0; round < WARMUP + ROUNDS; round++) {
      // Alternate who goes first so neither always runs on a warmer or colder process.
      const pair =
        round % 2
          ? [
              [b, theirs],
              [a, mine],
            ]
          : [
              [a, mine],
              [b, theirs],
            ];
      for (const [run, into] of pair as [Run, number[]][]) {
        const ms = await cpuMs(run, mode);
        if (round >= WARMUP) into.push(ms);
      }
    }
    const [m, t] = [median(mine), median(theirs)];
    rows.push([
      `${name} (${mode === 'events' ? 'one write per event' : 'one bulk write'})`,
      m.toFixed(1),
      t.toFixed(1),
      `${(m / t).toFixed(2)}×`,
    ]);
  }
}

const header = ['case', '@switchyard/client CPU ms', 'openai 6 CPU ms', 'ratio'];
const widths = header.map((h, i) => Math.max(h.length, ...rows.map((row) => (row[i] as string).length)));
const line = (cells: string[]) =>
  `| ${cells.map((cell, i) => cell.padEnd(widths[i] as number)).join(' | ')} |`;
console.log(line(header));
console.log(`|${widths.map((w) => '-'.repeat(w + 2)).join('|')}|`);
for (const row of rows) console.log(line(row));
child.disconnect();
