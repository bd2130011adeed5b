/**
 * SSE decode throughput: ours vs raw eventsource-parser vs the openai SDK, over a ≥ 50 MB stream
 * built from a recorded stream (OpenAI's by default) and cut into random 1–16 KB network pieces.
 *
 * Run: `pnpm --filter @switchyard/protocol bench` (all benches) or
 * `node --conditions=@switchyard/source --import tsx bench/decode.bench.ts`.
 * Env: `DECODE_BENCH_MB` (default 50), `DECODE_BENCH_ROUNDS` (default 7), `DECODE_BENCH_FIXTURE`
 * (a `.chunks.txt` file of `src/sse/__fixtures__`, default `openai-text.chunks.txt`).
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { ChunkJsonParser, createSSEDecoder, decodeSSE } from '@switchyard/protocol';
import { createParser } from 'eventsource-parser';
import { Stream } from 'openai/core/streaming';

const FIXTURE = new URL(
  `../src/sse/__fixtures__/${process.env.DECODE_BENCH_FIXTURE ?? 'openai-text.chunks.txt'}`,
  import.meta.url,
);

interface Workload {
  bytes: number;
  chunks: number;
  pieces: Uint8Array[];
}

/** The recorded stream repeated to `targetMb`, cut into 1–16 KB pieces by a seeded generator. */
export function buildDecodeWorkload(targetMb: number, seed = 42): Workload {
  const lines = readFileSync(FIXTURE, 'utf8').split('\n').filter(Boolean);
  const once = lines.map((line) => `data: ${line}\n\n`).join('');
  const repeats = Math.ceil((targetMb * 1024 * 1024) / Buffer.byteLength(once));
  const body = new TextEncoder().encode(`${once.repeat(repeats)}data: [DONE]\n\n`);
  const random = mulberry32(seed);
  const pieces: Uint8Array[] = [];
  for (let offset = 0; offset < body.length; ) {
    const size = 1024 + Math.floor(random() * 15 * 1024);
    pieces.push(body.subarray(offset, offset + size));
    offset += size;
  }
  return { bytes: body.length, chunks: lines.length * repeats, pieces };
}

function mulberry32(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function streamOf(pieces: Uint8Array[]): ReadableStream<Uint8Array> {
  let index = 0;
  return new ReadableStream<Uint8Array>({
    pull(controller) {
      const piece = pieces[index++];
      if (piece) controller.enqueue(piece);
      else controller.close();
    },
  });
}

type Contender = (pieces: Uint8Array[]) => Promise<number>;

const contenders: Record<string, Contender> = {
  'eventsource-parser feed + JSON.parse (sync loop)': async (pieces) => {
    let chunks = 0;
    const decoder = new TextDecoder();
    const parser = createParser({
      onEvent(event) {
        if (event.data === '[DONE]') return;
        const value = JSON.parse(event.data) as { choices?: unknown };
        if (value.choices) chunks++;
      },
    });
    for (const piece of pieces) parser.feed(decoder.decode(piece, { stream: true }));
    return chunks;
  },
  'openai SDK Stream.fromSSEResponse': async (pieces) => {
    let chunks = 0;
    const stream = Stream.fromSSEResponse<{ choices?: unknown }>(
      new Response(streamOf(pieces)),
      new AbortController(),
    );
    for await (const chunk of stream) if (chunk.choices) chunks++;
    return chunks;
  },
  'ours: decodeSSE(ReadableStream)': async (pieces) => {
    let chunks = 0;
    for await (const event of decodeSSE(streamOf(pieces))) if (event.type === 'chunk') chunks++;
    return chunks;
  },
  'ours: createSSEDecoder feed (sync loop)': async (pieces) => {
    let chunks = 0;
    const decoder = createSSEDecoder((event) => {
      if (event.type === 'chunk') chunks++;
    });
    for (const piece of pieces) decoder.feed(piece);
    decoder.end();
    return chunks;
  },
  'ours: createSSEDecoder + ChunkJsonParser': async (pieces) => {
    let chunks = 0;
    const decoder = createSSEDecoder(
      (event) => {
        if (event.type === 'chunk') chunks++;
      },
      { json: new ChunkJsonParser() },
    );
    for (const piece of pieces) decoder.feed(piece);
    decoder.end();
    return chunks;
  },
};

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] as number;
}

/**
 * Runs the interleaved rounds and prints one table. Throughput and ratios use CPU time (this
 * process's user + system), which stays meaningful on a shared, busy machine; wall time is shown
 * beside it.
 */
export async function runDecodeBench(): Promise<void> {
  const targetMb = Number(process.env.DECODE_BENCH_MB ?? 50);
  const rounds = Number(process.env.DECODE_BENCH_ROUNDS ?? 7);
  const workload = buildDecodeWorkload(targetMb);
  const mb = workload.bytes / (1024 * 1024);
  console.log(
    `\nSSE decode: ${mb.toFixed(1)} MB, ${workload.chunks} chunks, ${workload.pieces.length} pieces of 1–16 KB, ` +
      `median of ${rounds} interleaved rounds (1 warm-up)`,
  );

  const names = Object.keys(contenders);
  const wall = new Map<string, number[]>(names.map((name) => [name, []]));
  const cpu = new Map<string, number[]>(names.map((name) => [name, []]));
  for (let round = 0; round <= rounds; round++) {
    for (const name of names) {
      const cpuStart = process.cpuUsage();
      const start = performance.now();
      const chunks = await (contenders[name] as Contender)(workload.pieces);
      const elapsed = performance.now() - start;
      const used = process.cpuUsage(cpuStart);
      if (chunks !== workload.chunks)
        throw new Error(`${name} decoded ${chunks} chunks, expected ${workload.chunks}`);
      if (round > 0) {
        wall.get(name)?.push(elapsed);
        cpu.get(name)?.push((used.user + used.system) / 1000);
      }
    }
  }

  const cpuMs = (name: string | undefined) => median(cpu.get(name ?? '') ?? []);
  const raw = cpuMs(names[0]);
  const sdk = cpuMs(names[1]);
  console.table(
    names.map((name) => {
      const ms = cpuMs(name);
      return {
        decoder: name,
        'wall ms': median(wall.get(name) ?? []).toFixed(0),
        'CPU ms': ms.toFixed(0),
        'MB/s': (mb / (ms / 1000)).toFixed(1),
        'chunks/s': Math.round(workload.chunks / (ms / 1000)).toLocaleString('en-US'),
        'vs raw parser': `${(raw / ms).toFixed(2)}×`,
        'vs openai SDK': `${(sdk / ms).toFixed(2)}×`,
      };
    }),
  );
}

if (process.argv[1] === fileURLToPath(import.meta.url)) await runDecodeBench();
