// Soaks: many concurrent slow streams through the gateway (or, for the floor, a proxy)
// while its memory is sampled every second. `--soak`: 2,000 streams for 60 s, PASS if peak RSS
// stays under the limit and no stream is lost or truncated. `--soak-long`: 10 minutes of mixed
// traffic, RSS over time and its linear trend.
import { closeSync, fstatSync, openSync, readFileSync, readSync } from 'node:fs';
import { join } from 'node:path';
import { script } from './compile-scripts.js';
import type { Options } from './options.js';
import {
  cpuMs,
  listenQueueCounters,
  loadAverage,
  memoryMb,
  runQueueWaitMs,
  startProcess,
} from './processes.js';
import { fmt } from './table.js';
import { gatewayCounters, REPO_ROOT, startGateway, startProxy, startUpstream } from './targets.js';

/** The mock upstream's pace during soaks: 20 chunks per second. */
const CHUNK_DELAY_MS = 50;

interface Progress {
  event: 'progress' | 'done' | 'started';
  t?: number;
  started?: number;
  completed?: number;
  failed?: number;
  refused?: number;
  active?: number;
  byKind?: Record<string, number>;
  problems?: string[];
  reasons?: Record<string, number>;
  seconds?: number;
  ttfbMs?: { p50: number | null; p99: number | null };
  streamMs?: { p50: number | null; p99: number | null };
  refusalMs?: { p50: number | null; p99: number | null; max: number | null };
}

/** The soak's goal for refusals (503 `overloaded`): each answered within this. */
const REFUSAL_GOAL_MS = 50;

function lastEvent(path: string): Progress | undefined {
  const lines = readFileSync(path, 'utf8').trim().split('\n');
  for (let i = lines.length - 1; i >= 0; i--) {
    if (lines[i]!.startsWith('{')) return JSON.parse(lines[i]!) as Progress;
  }
  return undefined;
}

/** Reads the heap size after each mark-compact GC from a `--trace-gc` log as it grows. */
class GcLog {
  readonly #path: string;
  #offset = 0;
  #partial = '';

  constructor(path: string) {
    this.#path = path;
  }

  /** Heap MB after the full GCs logged since the last call. */
  read(): number[] {
    const fd = openSync(this.#path, 'r');
    try {
      const size = fstatSync(fd).size;
      if (size <= this.#offset) return [];
      const buffer = Buffer.alloc(size - this.#offset);
      readSync(fd, buffer, 0, buffer.length, this.#offset);
      this.#offset = size;
      const lines = (this.#partial + buffer.toString('utf8')).split('\n');
      this.#partial = lines.pop() ?? '';
      const heaps: number[] = [];
      for (const line of lines) {
        const match = /Mark-Compact[^>]*-> ([\d.]+) \(/.exec(line);
        if (match) heaps.push(Number(match[1]));
      }
      return heaps;
    } finally {
      closeSync(fd);
    }
  }
}

/** Least-squares slope of y over x. */
export function slope(points: readonly { x: number; y: number }[]): number {
  const n = points.length;
  if (n < 2) return Number.NaN;
  const mx = points.reduce((s, p) => s + p.x, 0) / n;
  const my = points.reduce((s, p) => s + p.y, 0) / n;
  let num = 0;
  let den = 0;
  for (const p of points) {
    num += (p.x - mx) * (p.y - my);
    den += (p.x - mx) ** 2;
  }
  return den === 0 ? Number.NaN : num / den;
}

export async function runSoak(options: Options, runDir: string) {
  const long = options.mode === 'soak-long';
  const concurrency = options.soakConcurrency;
  // Per process: a client socket, a gateway socket in and one out, an upstream socket per stream.
  const fdLimit = concurrency * 2 + 4096;
  const upstream = await startUpstream({
    logDir: runDir,
    chunks: options.soakChunks,
    chunkDelayMs: CHUNK_DELAY_MS,
    fdLimit,
  });
  // V8 prints every GC to stdout; the heap left after each full (mark-compact) GC is the live
  // data: its trend tells a leak from a heap or allocator that merely grew.
  const nodeFlags = ['--trace-gc'];
  const throughProxy = options.soakTarget === 'proxy';
  // The gateway, or the proxy (which ignores the key).
  const target = throughProxy
    ? await startProxy({ kind: options.proxy, logDir: runDir, upstream, nodeFlags, fdLimit })
    : await startGateway({
        logDir: runDir,
        dataDir: runDir,
        upstream,
        from: options.gatewayFrom,
        logLevel: options.logLevel,
        fdLimit,
        nodeFlags,
        admission: options.admission,
      });
  const gcLog = new GcLog(target.child.stdoutPath);
  const streamSeconds = (options.soakChunks * CHUNK_DELAY_MS) / 1000;
  process.stderr.write(
    `${long ? 'mixed soak' : 'soak'} through the ${target.name}: ${concurrency} concurrent ${long ? 'clients' : 'streams'} for ${options.soakDurationS} s; ` +
      `each stream ${options.soakChunks} chunks at ${1000 / CHUNK_DELAY_MS}/s (${streamSeconds} s)\n`,
  );
  const listenBefore = listenQueueCounters();
  const { child: client } = await startProcess({
    name: 'soak-client',
    command: process.execPath,
    args: [
      script('soak-client'),
      '--url',
      target.url,
      '--key',
      target.apiKey ?? 'sk-bench-not-checked-by-the-bare-proxy',
      '--model',
      target.model,
      '--concurrency',
      String(concurrency),
      '--duration-s',
      String(options.soakDurationS),
      '--chunks',
      String(options.soakChunks),
      '--chunk-delay-ms',
      String(CHUNK_DELAY_MS),
      '--ramp-ms',
      String(options.soakRampS * 1000),
      '--mix',
      long ? 'mixed' : 'stream',
    ],
    cwd: REPO_ROOT,
    logDir: runDir,
    fdLimit,
    ready: (stdout) => (stdout.includes('"event":"started"') ? true : undefined),
  });

  const samples: {
    t: number;
    rssMb: number;
    cpuPercent: number;
    /** % of the second the gateway's event loop waited for a CPU (machine load). */
    starvedPercent: number;
    active: number;
    load1: number;
    /** Heap after the last mark-compact GC, if one happened in this second. */
    heapAfterFullGcMb: number | null;
  }[] = [];
  const start = performance.now();
  // Bounded: the run, the longest stream three times over, and a margin.
  const deadline = start + (options.soakDurationS + streamSeconds * 3 + 60) * 1000;
  let clientExited = false;
  void client.exited.then(() => {
    clientExited = true;
  });
  let lastCpu = cpuMs(target.child.pid);
  let lastWait = runQueueWaitMs(target.child.pid);
  let lastAt = performance.now();
  const printEvery = long ? 30 : 5;
  let timedOut = false;
  while (!clientExited) {
    await new Promise((resolve) => setTimeout(resolve, 1000));
    const now = performance.now();
    const cpu = cpuMs(target.child.pid);
    const wait = runQueueWaitMs(target.child.pid);
    const progress = lastEvent(client.stdoutPath);
    const sample = {
      t: Math.round((now - start) / 1000),
      rssMb: memoryMb(target.child.pid).rss,
      cpuPercent: ((cpu - lastCpu) / (now - lastAt)) * 100,
      starvedPercent: ((wait - lastWait) / (now - lastAt)) * 100,
      active: progress?.active ?? 0,
      load1: loadAverage().load1,
      heapAfterFullGcMb: gcLog.read().at(-1) ?? null,
    };
    lastCpu = cpu;
    lastWait = wait;
    lastAt = now;
    samples.push(sample);
    if (sample.t % printEvery === 0) {
      process.stderr.write(
        `t=${String(sample.t).padStart(4)}s  ${target.name} RSS ${fmt(sample.rssMb, 1).padStart(6)} MB  cpu ${fmt(sample.cpuPercent).padStart(3)}% (starved ${fmt(sample.starvedPercent).padStart(3)}%)  ` +
          `in flight ${String(sample.active).padStart(5)}  done ${progress?.completed ?? 0}  failed ${progress?.failed ?? 0}  refused ${progress?.refused ?? 0}  (load ${sample.load1.toFixed(2)})\n`,
      );
    }
    if (now > deadline) {
      timedOut = true;
      await client.stop(2_000);
    }
  }
  const done = lastEvent(client.stdoutPath);
  const listenAfter = listenQueueCounters();
  const listenQueue = {
    overflows: listenAfter.overflows - listenBefore.overflows,
    syncookiesSent: listenAfter.syncookiesSent - listenBefore.syncookiesSent,
  };
  const counters = throughProxy ? undefined : await gatewayCounters(target);
  const peakRssMb = memoryMb(target.child.pid).peak;
  const problems: string[] = [];
  if (timedOut) problems.push('the soak client did not finish in time (streams hung)');
  if (done?.event !== 'done') problems.push('the soak client ended without its summary');
  if ((done?.failed ?? 0) > 0) problems.push(`${done?.failed} requests lost, truncated or wrong`);
  if ((done?.completed ?? 0) === 0) problems.push('no request completed');
  const slowestRefusal = done?.refusalMs?.max ?? null;
  if (slowestRefusal !== null && slowestRefusal > REFUSAL_GOAL_MS)
    problems.push(`a refusal took ${fmt(slowestRefusal, 1)} ms (goal: within ${REFUSAL_GOAL_MS} ms)`);
  if (listenQueue.overflows > 0)
    problems.push(
      `${listenQueue.overflows} connections overflowed a listen queue (the ${target.name} accepted too slowly; machine-wide counter)`,
    );
  if (counters && counters.inflightStreams !== 0)
    problems.push(`the gateway still counts ${counters.inflightStreams} open streams after the soak`);

  let trend:
    | {
        slopeMbPerMin: number;
        firstMinuteMb: number;
        lastMinuteMb: number;
        /** Slope of the heap left after full GCs: growth here is live JavaScript data (a leak). */
        heapSlopeMbPerMin: number;
        fullGcs: number;
      }
    | undefined;
  if (long) {
    // The first minute (or tenth) is warm-up: heaps and pools grow to their working size.
    const warm = Math.max(60, options.soakDurationS / 10);
    const steady = samples.filter((s) => s.t >= warm && s.t <= options.soakDurationS);
    const mean = (xs: typeof samples) => xs.reduce((s, x) => s + x.rssMb, 0) / Math.max(1, xs.length);
    const gcs = steady.filter((s) => s.heapAfterFullGcMb !== null);
    trend = {
      heapSlopeMbPerMin: slope(gcs.map((s) => ({ x: s.t / 60, y: s.heapAfterFullGcMb! }))),
      fullGcs: gcs.length,
      slopeMbPerMin: slope(steady.map((s) => ({ x: s.t / 60, y: s.rssMb }))),
      firstMinuteMb: mean(steady.slice(0, 60)),
      lastMinuteMb: mean(steady.slice(-60)),
    };
    // 1 MB/min would be 10 MB over the run: a leak of about one kilobyte per few requests.
    if (!(trend.slopeMbPerMin <= 1)) problems.push(`RSS grows by ${fmt(trend.slopeMbPerMin, 2)} MB/min`);
  } else if (!(peakRssMb < options.soakRssLimitMb)) {
    problems.push(`peak RSS ${fmt(peakRssMb, 1)} MB ≥ ${options.soakRssLimitMb} MB`);
  }
  return {
    pass: problems.length === 0,
    problems,
    concurrency,
    durationS: options.soakDurationS,
    streamChunks: options.soakChunks,
    chunkDelayMs: CHUNK_DELAY_MS,
    target: target.name,
    gateway: throughProxy
      ? undefined
      : { from: options.gatewayFrom, logLevel: options.logLevel, admission: options.admission },
    peakRssMb,
    rssLimitMb: long ? null : options.soakRssLimitMb,
    trend,
    rampS: options.soakRampS,
    client: done,
    counters,
    listenQueue,
    samples,
    loadAtEnd: loadAverage(),
    logs: { [target.name]: join(runDir, `${target.name}.out.log`) },
  };
}

export type SoakResult = Awaited<ReturnType<typeof runSoak>>;

export function renderSoak(result: SoakResult): string {
  const out: string[] = [];
  const c = result.client;
  out.push(
    `\n${result.trend ? 'Mixed soak' : 'Soak'} through the ${result.target}: ${result.concurrency} concurrent (started over ${result.rampS} s), ${result.durationS} s, streams of ${result.streamChunks} chunks at ${1000 / result.chunkDelayMs}/s`,
  );
  out.push(
    `  requests: ${c?.started ?? 0} started, ${c?.refused ?? 0} refused (503 overloaded), ${c?.completed ?? 0} complete and correct, ${c?.failed ?? 0} failed${c?.byKind ? ` (by kind ${JSON.stringify(c.byKind)})` : ''}`,
  );
  if (c?.refusalMs && c.refusalMs.max !== null) {
    out.push(
      `  refusals answered in p50 ${fmt(c.refusalMs.p50 ?? Number.NaN, 1)} ms, p99 ${fmt(c.refusalMs.p99 ?? Number.NaN, 1)} ms, max ${fmt(c.refusalMs.max, 1)} ms (goal: within ${REFUSAL_GOAL_MS} ms)`,
    );
  }
  if (c?.ttfbMs && c.streamMs) {
    out.push(
      `  full streams: TTFB p50 ${fmt(c.ttfbMs.p50 ?? Number.NaN, 1)} ms, p99 ${fmt(c.ttfbMs.p99 ?? Number.NaN, 1)} ms; ` +
        `duration p50 ${fmt((c.streamMs.p50 ?? Number.NaN) / 1000, 2)} s, p99 ${fmt((c.streamMs.p99 ?? Number.NaN) / 1000, 2)} s ` +
        `(the upstream's pace: ${fmt(((result.streamChunks - 1) * result.chunkDelayMs) / 1000, 2)} s)`,
    );
  }
  out.push(
    `  ${result.target} peak RSS ${fmt(result.peakRssMb, 1)} MB${result.rssLimitMb ? ` (limit ${result.rssLimitMb} MB)` : ''}`,
  );
  if (result.trend) {
    out.push('  RSS over time (MB; heap after the latest full GC in brackets):');
    const step = Math.max(1, Math.round(result.samples.length / 20));
    let heap: number | null = null;
    for (let i = 0; i < result.samples.length; i++) {
      const s = result.samples[i]!;
      heap = s.heapAfterFullGcMb ?? heap;
      if (i % step !== 0) continue;
      out.push(
        `    t=${String(s.t).padStart(4)}s  ${fmt(s.rssMb, 1).padStart(6)} [${heap === null ? '  -  ' : fmt(heap, 1).padStart(5)}]  ${'#'.repeat(Math.round(s.rssMb / 5))}`,
      );
    }
    out.push(
      `  RSS trend after warm-up: ${fmt(result.trend.slopeMbPerMin, 3)} MB/min (first minute ${fmt(result.trend.firstMinuteMb, 1)} MB, last minute ${fmt(result.trend.lastMinuteMb, 1)} MB)`,
    );
    out.push(
      `  heap after full GCs: ${fmt(result.trend.heapSlopeMbPerMin, 3)} MB/min over ${result.trend.fullGcs} mark-compacts (growth here would be a JavaScript leak)`,
    );
  }
  for (const [reason, count] of Object.entries(c?.reasons ?? {})
    .sort((a, b) => b[1] - a[1])
    .slice(0, 10))
    out.push(`  ${String(count).padStart(6)} × ${reason}`);
  if (result.listenQueue.overflows > 0)
    out.push(
      `  listen queue overflows during the soak: ${result.listenQueue.overflows} (SYN cookies sent: ${result.listenQueue.syncookiesSent})`,
    );
  out.push(result.pass ? 'PASS' : `FAIL: ${result.problems.join('; ')}`);
  return out.join('\n');
}
