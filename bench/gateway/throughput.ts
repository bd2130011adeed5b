// The side-by-side benchmark: the same wrk load on the mock upstream (direct), the bare proxy and
// the gateway (and, with `--anchor`, another gateway), interleaved over rounds, plus a sequential
// time-to-first-byte probe; medians, gateway/proxy ratios and the issue's goals.
import { writeFileSync } from 'node:fs';
import { Agent } from 'node:http';
import { join } from 'node:path';
import { call, checkCompletion, median, percentile, StreamChecker } from './client.js';
import { DEFAULT_STREAM_CHUNKS, requestBody } from './fixtures.js';
import type { Options } from './options.js';
import { ensurePortkey, PORTKEY_VERSION, startPortkey } from './portkey.js';
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

/** The issue's goals for the gateway, relative to the bare proxy. */
export const GOALS = { minThroughputRatio: 0.8, maxP99Ratio: 1.5, maxAddedTtfbMs: 0.3 } as const;
/** Issue 21's goal beside the anchor: the gateway's req/s at least this many times Portkey's. */
export const MIN_ANCHOR_THROUGHPUT_RATIO = 5;

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
  readonly upstream: Target;
  readonly bodyFiles: Record<string, string>;
}

function bodyFile(context: Context, target: Target, mode: Mode): string {
  return context.bodyFiles[`${target.model}:${mode}`]!;
}

async function measure(context: Context, target: Target, mode: Mode, connections: number, round: number) {
  const upstream = context.upstream;
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
    headers: target.headers,
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
      headers: target.headers,
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
      headers: target.headers,
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
      headers: target.headers,
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
  const log = (text: string) => process.stderr.write(`${text}\n`);
  // Installed (once) before anything starts: a failed install costs no process start.
  const anchorEntry = options.anchor === 'portkey' ? ensurePortkey(log) : undefined;
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
  const all: Target[] = [upstream, proxy, gateway];
  if (anchorEntry) all.push(await startPortkey({ entry: anchorEntry, logDir, upstream }));
  const names = all.map((t) => t.name);
  const bodyFiles: Record<string, string> = {};
  for (const target of all) {
    for (const mode of ['json', 'stream'] as const) {
      const path = join(runDir, `body-${target.model}-${mode}.json`);
      writeFileSync(path, requestBody(target.model, mode === 'stream'));
      bodyFiles[`${target.model}:${mode}`] = path;
    }
  }
  const context: Context = { options, upstream, bodyFiles };
  for (const target of all) await sanityCheck(target);

  const runs = options.rounds * options.modes.length * options.concurrency.length * names.length;
  const warmS = Math.min(3, options.durationS);
  log(
    `${runs} wrk runs of ${options.durationS} s (+ warm-up ${options.modes.length * names.length} × ${warmS} s, TTFB probes): about ${Math.ceil((runs * (options.durationS + 0.5) + options.modes.length * names.length * warmS) / 60)} min`,
  );
  for (const mode of options.modes) {
    for (const target of all) {
      await runWrk({
        url: target.url,
        bodyFile: bodyFile(context, target, mode),
        apiKey: target.apiKey,
        headers: target.headers,
        connections: 32,
        threads: options.threads,
        durationS: warmS,
      });
    }
  }

  const samples: Sample[] = [];
  const ttfb: TtfbSample[] = [];
  for (let round = 1; round <= options.rounds; round++) {
    const order = rotate(all, round - 1);
    for (const mode of options.modes) {
      for (const connections of options.concurrency) {
        for (const target of order) {
          const { name } = target;
          const sample = await measure(context, target, mode, connections, round);
          samples.push(sample);
          log(
            `round ${round}/${options.rounds}  ${mode.padEnd(6)} c=${String(connections).padEnd(3)} ${name.padEnd(8)} ${fmt(sample.rps).padStart(7)} req/s  p50 ${fmt(sample.latencyMs.p50, 2)} ms  p99 ${fmt(sample.latencyMs.p99, 2)} ms  cpu ${fmt(sample.cpu.target)}% starved ${fmt(sample.runQueueWaitPercent)}%${sample.failures ? `  FAILURES ${sample.failures}` : ''}  (load ${sample.load1.toFixed(2)})`,
          );
        }
      }
    }
    for (const target of order) {
      const { name } = target;
      const probe = await probeTtfb(target, options.ttfbRequests, round);
      ttfb.push(probe);
      log(
        `round ${round}/${options.rounds}  ttfb   ${name.padEnd(8)} p50 ${fmt(probe.firstByteMs.p50, 3)} ms  p99 ${fmt(probe.firstByteMs.p99, 3)} ms${probe.failures ? `  FAILURES ${probe.failures}` : ''}`,
      );
    }
  }
  for (const target of all) await sanityCheck(target);

  const summary: Record<string, Record<string, Record<string, Summary>>> = {};
  const ratios: Record<string, Record<string, Record<string, number>>> = {};
  const warnings: string[] = [];
  for (const mode of options.modes) {
    summary[mode] = {};
    ratios[mode] = {};
    for (const connections of options.concurrency) {
      const here = samples.filter((s) => s.mode === mode && s.connections === connections);
      const byTarget: Record<string, Summary> = {};
      for (const name of names) byTarget[name] = summarize(here.filter((s) => s.target === name));
      summary[mode][connections] = byTarget;
      ratios[mode][connections] = {
        throughput: pairedRatio(here, 'gateway', 'proxy', (s) => s.rps),
        p99: pairedRatio(here, 'gateway', 'proxy', (s) => s.latencyMs.p99),
        p50: pairedRatio(here, 'gateway', 'proxy', (s) => s.latencyMs.p50),
        cpuPerRequest: pairedRatio(here, 'gateway', 'proxy', (s) => s.cpuUsPerRequest),
        throughputVsUpstream: pairedRatio(here, 'gateway', 'upstream', (s) => s.rps),
        proxyThroughputVsUpstream: pairedRatio(here, 'proxy', 'upstream', (s) => s.rps),
        ...(options.anchor
          ? {
              throughputVsAnchor: pairedRatio(here, 'gateway', options.anchor, (s) => s.rps),
              p50VsAnchor: pairedRatio(here, 'gateway', options.anchor, (s) => s.latencyMs.p50),
              p99VsAnchor: pairedRatio(here, 'gateway', options.anchor, (s) => s.latencyMs.p99),
              cpuPerRequestVsAnchor: pairedRatio(here, 'gateway', options.anchor, (s) => s.cpuUsPerRequest),
            }
          : {}),
      };
    }
    for (const name of names) {
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
  for (const name of names) {
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

  const anchor = options.anchor
    ? {
        name: options.anchor,
        version: PORTKEY_VERSION,
        minThroughputRatio: MIN_ANCHOR_THROUGHPUT_RATIO,
        comparisons: anchorComparisons(ratios, summary, options.anchor),
      }
    : undefined;

  const counters = { gateway: await gatewayCounters(gateway), upstream: await upstreamCounters(upstream) };
  const gatewayRequests = samples.filter((s) => s.target === 'gateway').reduce((n, s) => n + s.requests, 0);
  const memoryAtEnd = Object.fromEntries(all.map((target) => [target.name, memoryMb(target.child.pid)]));
  return {
    gateway: {
      from: options.gatewayFrom,
      logLevel: options.logLevel,
      config: gatewayConfig(upstream, options.logLevel),
    },
    targets: names,
    samples,
    ttfbSamples: ttfb,
    summary,
    ratios,
    ttfb: ttfbSummary,
    addedTtfb,
    goals,
    ...(anchor ? { anchor } : {}),
    counters: { ...counters, gatewayRequestsCountedByWrk: gatewayRequests },
    memoryAtEnd,
    warnings,
    loadAtEnd: loadAverage(),
  };
}

/** One line of the comparison with the anchor: the gateway's req/s ÷ the anchor's, per mode and load. */
export interface AnchorComparison {
  readonly mode: string;
  readonly connections: number;
  readonly gatewayRps: number;
  readonly anchorRps: number;
  /** Median over rounds of the same-round ratio. */
  readonly ratio: number;
  readonly met: boolean;
}

/** The gateway ÷ anchor req/s per mode and connection count, against {@link MIN_ANCHOR_THROUGHPUT_RATIO}. */
export function anchorComparisons(
  ratios: Readonly<Record<string, Readonly<Record<string, Readonly<Record<string, number>>>>>>,
  summary: Readonly<Record<string, Readonly<Record<string, Readonly<Record<string, { rps: number }>>>>>>,
  anchor: string,
): AnchorComparison[] {
  return Object.entries(ratios).flatMap(([mode, byConnections]) =>
    Object.entries(byConnections).map(([connections, r]) => {
      const ratio = r.throughputVsAnchor ?? Number.NaN;
      return {
        mode,
        connections: Number(connections),
        gatewayRps: summary[mode]?.[connections]?.gateway?.rps ?? Number.NaN,
        anchorRps: summary[mode]?.[connections]?.[anchor]?.rps ?? Number.NaN,
        ratio,
        met: ratio >= MIN_ANCHOR_THROUGHPUT_RATIO,
      };
    }),
  );
}

export type ThroughputResult = Awaited<ReturnType<typeof runThroughput>>;
