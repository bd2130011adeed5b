// The side-by-side benchmark: the same wrk load on the mock upstream (direct), the bare proxy and
// the gateway, interleaved over rounds, plus a sequential time-to-first-byte probe; medians,
// gateway/proxy ratios and the issue's goals.
import { writeFileSync } from 'node:fs';
import { Agent } from 'node:http';
import { join } from 'node:path';
import { call, checkCompletion, median, percentile, StreamChecker } from './client.js';
import { DEFAULT_STREAM_CHUNKS, requestBody } from './fixtures.js';
import type { Options } from './options.js';
import {
  cpuMs,
  listenQueueCounters,
  loadAverage,
  memoryMb,
  reapedChildrenCpuMs,
  resetPeakMemory,
  runQueueWaitMs,
} from './processes.js';
import { fmt } from './table.js';
import {
  gatewayConfig,
  gatewayCounters,
  startGateway,
  startProxy,
  startUpstream,
  type Target,
  upstreamCounters,
} from './targets.js';
import { failures, runWrk } from './wrk.js';

type Mode = 'json' | 'stream';
type TargetName = Target['name'];
export const TARGETS: readonly TargetName[] = ['upstream', 'proxy', 'gateway'];

/** The issue's goals for the gateway, relative to the bare proxy. */
export const GOALS = { minThroughputRatio: 0.8, maxP99Ratio: 1.5, maxAddedTtfbMs: 0.3 } as const;

interface Sample {
  round: number;
  mode: Mode;
  connections: number;
  target: TargetName;
  requests: number;
  rps: number;
  latencyMs: { p50: number; p90: number; p99: number; max: number };
  failures: number;
  bytesPerRequest: number;
  /** CPU use in % of one core, over the run. */
  cpu: { target: number; upstream: number | null; client: number };
  /**
   * Time the target's event loop was runnable but had no CPU, in % of the run: the machine's
   * other load stealing from it (0 on an idle machine).
   */
  runQueueWaitPercent: number;
  /** The target's CPU time per request, in microseconds. */
  cpuUsPerRequest: number;
  peakRssMb: number;
  load1: number;
  /** Machine-wide listen-queue overflows during the run (0 unless a server accepted too slowly). */
  listenOverflows: number;
}

interface TtfbSample {
  round: number;
  target: TargetName;
  firstByteMs: { p50: number; p99: number };
  totalMs: { p50: number; p99: number };
  failures: number;
  /** The gateway's own `x-switchyard-overhead-ms` header, median. */
  reportedOverheadMs: number | null;
}

interface Context {
  readonly options: Options;
  readonly targets: Record<TargetName, Target>;
  readonly bodyFiles: Record<string, string>;
}

function bodyFile(context: Context, target: Target, mode: Mode): string {
  return context.bodyFiles[`${target.model}:${mode}`]!;
}

async function measure(context: Context, target: Target, mode: Mode, connections: number, round: number) {
  const upstream = context.targets.upstream;
  const pids = { target: target.child.pid, upstream: upstream.child.pid };
  const peakReset = resetPeakMemory(pids.target);
  const before = {
    target: cpuMs(pids.target),
    upstream: cpuMs(pids.upstream),
    client: reapedChildrenCpuMs(),
    wait: runQueueWaitMs(pids.target),
  };
  const listenBefore = listenQueueCounters().overflows;
  const start = performance.now();
  const result = await runWrk({
    url: target.url,
    bodyFile: bodyFile(context, target, mode),
    apiKey: target.apiKey,
    connections,
    threads: context.options.threads,
    durationS: context.options.durationS,
  });
  const wallMs = performance.now() - start;
  const used = {
    target: cpuMs(pids.target) - before.target,
    upstream: cpuMs(pids.upstream) - before.upstream,
    client: reapedChildrenCpuMs() - before.client,
    wait: runQueueWaitMs(pids.target) - before.wait,
  };
  const memory = memoryMb(pids.target);
  const sample: Sample = {
    round,
    mode,
    connections,
    target: target.name,
    requests: result.requests,
    rps: result.rps,
    latencyMs: {
      p50: result.latencyMs.p50,
      p90: result.latencyMs.p90,
      p99: result.latencyMs.p99,
      max: result.latencyMs.max,
    },
    failures: failures(result),
    bytesPerRequest: result.bytesPerRequest,
    cpu: {
      target: (used.target / wallMs) * 100,
      upstream: target.name === 'upstream' ? null : (used.upstream / wallMs) * 100,
      client: (used.client / wallMs) * 100,
    },
    runQueueWaitPercent: (used.wait / wallMs) * 100,
    cpuUsPerRequest: result.requests > 0 ? (used.target * 1000) / result.requests : Number.NaN,
    peakRssMb: peakReset ? memory.peak : memory.rss,
    load1: loadAverage().load1,
    listenOverflows: listenQueueCounters().overflows - listenBefore,
  };
  return sample;
}

/** Sequential stream requests over one keep-alive connection: time to the first body byte. */
async function probeTtfb(target: Target, requests: number, round: number): Promise<TtfbSample> {
  const agent = new Agent({ keepAlive: true, maxSockets: 1 });
  const body = requestBody(target.model, true);
  const firstByte: number[] = [];
  const total: number[] = [];
  const overhead: number[] = [];
  let failed = 0;
  const warmUp = Math.min(50, Math.ceil(requests / 5));
  for (let i = 0; i < warmUp + requests; i++) {
    const checker = new StreamChecker(DEFAULT_STREAM_CHUNKS);
    const result = await call({
      url: target.url,
      body,
      apiKey: target.apiKey,
      agent,
      timeoutMs: 10_000,
      onText: (text) => checker.push(text),
    });
    if (i < warmUp) continue;
    if (result.status !== 200 || result.error || checker.verdict()) {
      failed++;
      continue;
    }
    firstByte.push(result.firstByteMs);
    total.push(result.totalMs);
    const reported = Number(result.headers['x-switchyard-overhead-ms']);
    if (Number.isFinite(reported)) overhead.push(reported);
  }
  agent.destroy();
  return {
    round,
    target: target.name,
    firstByteMs: { p50: percentile(firstByte, 50), p99: percentile(firstByte, 99) },
    totalMs: { p50: percentile(total, 50), p99: percentile(total, 99) },
    failures: failed,
    reportedOverheadMs: overhead.length > 0 ? percentile(overhead, 50) : null,
  };
}

/** One stream and one non-stream request through a target, checked against the mock's answer. */
async function sanityCheck(target: Target): Promise<void> {
  const agent = new Agent({ keepAlive: false });
  try {
    const checker = new StreamChecker(DEFAULT_STREAM_CHUNKS);
    const stream = await call({
      url: target.url,
      body: requestBody(target.model, true),
      apiKey: target.apiKey,
      agent,
      timeoutMs: 10_000,
      onText: (text) => checker.push(text),
    });
    const streamProblem =
      stream.error ?? (stream.status === 200 ? checker.verdict() : `status ${stream.status}`);
    let text = '';
    const json = await call({
      url: target.url,
      body: requestBody(target.model, false),
      apiKey: target.apiKey,
      agent,
      timeoutMs: 10_000,
      onText: (piece) => {
        text += piece;
      },
    });
    const jsonProblem =
      json.error ?? (json.status === 200 ? checkCompletion(text) : `status ${json.status}: ${text}`);
    if (streamProblem || jsonProblem) {
      throw new Error(
        `${target.name} does not answer correctly: stream: ${streamProblem ?? 'ok'}; non-stream: ${jsonProblem ?? 'ok'}\n${target.child.tail()}`,
      );
    }
  } finally {
    agent.destroy();
  }
}

function rotate<T>(items: readonly T[], by: number): T[] {
  const n = by % items.length;
  return [...items.slice(n), ...items.slice(0, n)];
}

function summarize(samples: readonly Sample[]) {
  return {
    rounds: samples.length,
    rps: median(samples.map((s) => s.rps)),
    p50Ms: median(samples.map((s) => s.latencyMs.p50)),
    p99Ms: median(samples.map((s) => s.latencyMs.p99)),
    cpuPercent: median(samples.map((s) => s.cpu.target)),
    cpuUsPerRequest: median(samples.map((s) => s.cpuUsPerRequest)),
    upstreamCpuPercent: median(samples.map((s) => s.cpu.upstream ?? Number.NaN)),
    clientCpuPercent: median(samples.map((s) => s.cpu.client)),
    runQueueWaitPercent: median(samples.map((s) => s.runQueueWaitPercent)),
    peakRssMb: Math.max(...samples.map((s) => s.peakRssMb)),
    failures: samples.reduce((sum, s) => sum + s.failures, 0),
    bytesPerRequest: median(samples.map((s) => s.bytesPerRequest)),
  };
}
type Summary = ReturnType<typeof summarize>;

/** Median over rounds of the same-round ratio `a/b` (pairs share the machine's load of the moment). */
function pairedRatio(samples: readonly Sample[], a: TargetName, b: TargetName, pick: (s: Sample) => number) {
  const rounds = new Set(samples.map((s) => s.round));
  const ratios: number[] = [];
  for (const round of rounds) {
    const x = samples.find((s) => s.round === round && s.target === a);
    const y = samples.find((s) => s.round === round && s.target === b);
    if (x && y) ratios.push(pick(x) / pick(y));
  }
  return median(ratios);
}

export async function runThroughput(options: Options, runDir: string) {
  const logDir = runDir;
  const upstream = await startUpstream({ logDir });
  const proxy = await startProxy({ kind: options.proxy, logDir, upstream });
  const gateway = await startGateway({
    logDir,
    dataDir: runDir,
    upstream,
    from: options.gatewayFrom,
    logLevel: options.logLevel,
    workers: options.workers,
  });
  const targets = { upstream, proxy, gateway };
  const bodyFiles: Record<string, string> = {};
  for (const target of Object.values(targets)) {
    for (const mode of ['json', 'stream'] as const) {
      const path = join(runDir, `body-${target.model}-${mode}.json`);
      writeFileSync(path, requestBody(target.model, mode === 'stream'));
      bodyFiles[`${target.model}:${mode}`] = path;
    }
  }
  const context: Context = { options, targets, bodyFiles };
  for (const target of Object.values(targets)) await sanityCheck(target);

  const log = (text: string) => process.stderr.write(`${text}\n`);
  const runs = options.rounds * options.modes.length * options.concurrency.length * TARGETS.length;
  const warmS = Math.min(3, options.durationS);
  log(
    `${runs} wrk runs of ${options.durationS} s (+ warm-up ${options.modes.length * TARGETS.length} × ${warmS} s, TTFB probes): about ${Math.ceil((runs * (options.durationS + 0.5) + options.modes.length * TARGETS.length * warmS) / 60)} min`,
  );
  for (const mode of options.modes) {
    for (const name of TARGETS) {
      const target = targets[name];
      await runWrk({
        url: target.url,
        bodyFile: bodyFile(context, target, mode),
        apiKey: target.apiKey,
        connections: 32,
        threads: options.threads,
        durationS: warmS,
      });
    }
  }

  const samples: Sample[] = [];
  const ttfb: TtfbSample[] = [];
  for (let round = 1; round <= options.rounds; round++) {
    const order = rotate(TARGETS, round - 1);
    for (const mode of options.modes) {
      for (const connections of options.concurrency) {
        for (const name of order) {
          const sample = await measure(context, targets[name], mode, connections, round);
          samples.push(sample);
          log(
            `round ${round}/${options.rounds}  ${mode.padEnd(6)} c=${String(connections).padEnd(3)} ${name.padEnd(8)} ${fmt(sample.rps).padStart(7)} req/s  p50 ${fmt(sample.latencyMs.p50, 2)} ms  p99 ${fmt(sample.latencyMs.p99, 2)} ms  cpu ${fmt(sample.cpu.target)}% starved ${fmt(sample.runQueueWaitPercent)}%${sample.failures ? `  FAILURES ${sample.failures}` : ''}  (load ${sample.load1.toFixed(2)})`,
          );
        }
      }
    }
    for (const name of order) {
      const probe = await probeTtfb(targets[name], options.ttfbRequests, round);
      ttfb.push(probe);
      log(
        `round ${round}/${options.rounds}  ttfb   ${name.padEnd(8)} p50 ${fmt(probe.firstByteMs.p50, 3)} ms  p99 ${fmt(probe.firstByteMs.p99, 3)} ms${probe.failures ? `  FAILURES ${probe.failures}` : ''}`,
      );
    }
  }
  for (const target of Object.values(targets)) await sanityCheck(target);

  const summary: Record<string, Record<string, Record<string, Summary>>> = {};
  const ratios: Record<string, Record<string, Record<string, number>>> = {};
  const warnings: string[] = [];
  for (const mode of options.modes) {
    summary[mode] = {};
    ratios[mode] = {};
    for (const connections of options.concurrency) {
      const here = samples.filter((s) => s.mode === mode && s.connections === connections);
      const byTarget: Record<string, Summary> = {};
      for (const name of TARGETS) byTarget[name] = summarize(here.filter((s) => s.target === name));
      summary[mode][connections] = byTarget;
      ratios[mode][connections] = {
        throughput: pairedRatio(here, 'gateway', 'proxy', (s) => s.rps),
        p99: pairedRatio(here, 'gateway', 'proxy', (s) => s.latencyMs.p99),
        p50: pairedRatio(here, 'gateway', 'proxy', (s) => s.latencyMs.p50),
        cpuPerRequest: pairedRatio(here, 'gateway', 'proxy', (s) => s.cpuUsPerRequest),
        throughputVsUpstream: pairedRatio(here, 'gateway', 'upstream', (s) => s.rps),
        proxyThroughputVsUpstream: pairedRatio(here, 'proxy', 'upstream', (s) => s.rps),
      };
    }
    for (const name of TARGETS) {
      const sizes = samples.filter((s) => s.mode === mode && s.target === name).map((s) => s.bytesPerRequest);
      const [lo, hi] = [Math.min(...sizes), Math.max(...sizes)];
      if (hi > 0 && (hi - lo) / hi > 0.02)
        warnings.push(
          `${name} ${mode}: bytes per response varied from ${fmt(lo)} to ${fmt(hi)} (truncated answers?)`,
        );
    }
  }
  for (const s of samples.filter((x) => x.listenOverflows > 0))
    warnings.push(
      `round ${s.round} ${s.mode} c=${s.connections} ${s.target}: ${s.listenOverflows} listen-queue overflows on the machine`,
    );
  const failed = samples.filter((s) => s.failures > 0);
  for (const s of failed)
    warnings.push(`round ${s.round} ${s.mode} c=${s.connections} ${s.target}: ${s.failures} failed requests`);
  for (const p of ttfb.filter((t) => t.failures > 0))
    warnings.push(`round ${p.round} ttfb ${p.target}: ${p.failures} failed or incomplete streams`);

  const ttfbSummary: Record<
    string,
    { p50Ms: number; p99Ms: number; totalP50Ms: number; reportedOverheadMs: number }
  > = {};
  for (const name of TARGETS) {
    const mine = ttfb.filter((t) => t.target === name);
    ttfbSummary[name] = {
      p50Ms: median(mine.map((t) => t.firstByteMs.p50)),
      p99Ms: median(mine.map((t) => t.firstByteMs.p99)),
      totalP50Ms: median(mine.map((t) => t.totalMs.p50)),
      reportedOverheadMs: median(mine.map((t) => t.reportedOverheadMs ?? Number.NaN)),
    };
  }
  const pairedTtfb = (a: TargetName, b: TargetName) =>
    median(
      [...new Set(ttfb.map((t) => t.round))].map((round) => {
        const x = ttfb.find((t) => t.round === round && t.target === a);
        const y = ttfb.find((t) => t.round === round && t.target === b);
        return x && y ? x.firstByteMs.p50 - y.firstByteMs.p50 : Number.NaN;
      }),
    );
  const addedTtfb = {
    vsProxyMs: pairedTtfb('gateway', 'proxy'),
    vsUpstreamMs: pairedTtfb('gateway', 'upstream'),
  };

  const floor = `${options.proxy} proxy`;
  const goals = options.modes.flatMap((mode) =>
    options.concurrency.flatMap((connections) => {
      const r = ratios[mode]![connections]!;
      return [
        {
          goal: `${mode} c=${connections}: throughput ≥ ${GOALS.minThroughputRatio}× ${floor}`,
          value: r.throughput!,
          met: r.throughput! >= GOALS.minThroughputRatio,
        },
        {
          goal: `${mode} c=${connections}: p99 ≤ ${GOALS.maxP99Ratio}× ${floor}`,
          value: r.p99!,
          met: r.p99! <= GOALS.maxP99Ratio,
        },
      ];
    }),
  );
  goals.push({
    goal: `sequential TTFB: ≤ ${GOALS.maxAddedTtfbMs} ms added over the ${floor} (p50)`,
    value: addedTtfb.vsProxyMs,
    met: addedTtfb.vsProxyMs <= GOALS.maxAddedTtfbMs,
  });

  const counters = { gateway: await gatewayCounters(gateway), upstream: await upstreamCounters(upstream) };
  const gatewayRequests = samples.filter((s) => s.target === 'gateway').reduce((n, s) => n + s.requests, 0);
  const memoryAtEnd = Object.fromEntries(
    Object.entries(targets).map(([name, target]) => [name, memoryMb(target.child.pid)]),
  );
  return {
    gateway: {
      from: options.gatewayFrom,
      logLevel: options.logLevel,
      config: gatewayConfig(upstream, options.logLevel),
    },
    samples,
    ttfbSamples: ttfb,
    summary,
    ratios,
    ttfb: ttfbSummary,
    addedTtfb,
    goals,
    counters: { ...counters, gatewayRequestsCountedByWrk: gatewayRequests },
    memoryAtEnd,
    warnings,
    loadAtEnd: loadAverage(),
  };
}

export type ThroughputResult = Awaited<ReturnType<typeof runThroughput>>;
