// `--profile`: the gateway under `node --cpu-prof`, once during a stream load and once during a
// non-stream load; the samples taken during the load are summed per function.
import { mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { type ProfileSummary, summarizeProfile } from './cpu-profile.js';
import { RESULTS_DIR } from './environment.js';
import { requestBody } from './fixtures.js';
import type { Options } from './options.js';
import { cpuMs, loadAverage } from './processes.js';
import { fmt, table } from './table.js';
import { REPO_ROOT, startGateway, startUpstream } from './targets.js';
import { runWrk } from './wrk.js';

const CONNECTIONS = 32;
const SAMPLING_INTERVAL_US = 500;

function monotonicUs(): number {
  return Number(process.hrtime.bigint() / 1000n);
}

export async function runProfile(options: Options, runDir: string) {
  const upstream = await startUpstream({ logDir: runDir });
  const stamp = new Date().toISOString().replace(/[:.]/g, '-').slice(0, 19);
  const profiles: {
    mode: 'stream' | 'json';
    file: string;
    requests: number;
    rps: number;
    gatewayCpuPercent: number;
    summary: ProfileSummary;
  }[] = [];
  for (const mode of ['stream', 'json'] as const) {
    const dir = join(RESULTS_DIR, 'profiles', `${stamp}-${mode}`);
    mkdirSync(dir, { recursive: true });
    const dataDir = join(runDir, `data-${mode}`);
    mkdirSync(dataDir);
    const gateway = await startGateway({
      logDir: runDir,
      dataDir,
      upstream,
      from: options.gatewayFrom,
      logLevel: options.logLevel,
      name: `gateway-${mode}`,
      nodeFlags: ['--cpu-prof', `--cpu-prof-dir=${dir}`, `--cpu-prof-interval=${SAMPLING_INTERVAL_US}`],
    });
    const bodyFile = join(runDir, `profile-body-${mode}.json`);
    writeFileSync(bodyFile, requestBody(gateway.model, mode === 'stream'));
    const load = (durationS: number) =>
      runWrk({
        url: gateway.url,
        bodyFile,
        apiKey: gateway.apiKey,
        connections: CONNECTIONS,
        threads: options.threads,
        durationS,
      });
    await load(Math.min(3, options.durationS));
    const fromUs = monotonicUs();
    const cpuBefore = cpuMs(gateway.child.pid);
    const started = performance.now();
    const result = await load(options.durationS);
    const gatewayCpuPercent = ((cpuMs(gateway.child.pid) - cpuBefore) / (performance.now() - started)) * 100;
    const toUs = monotonicUs();
    // The profile is written when the process exits (the gateway drains, then exits 0 on SIGTERM).
    await gateway.child.stop(30_000);
    const file = readdirSync(dir).find((name) => name.endsWith('.cpuprofile'));
    if (!file) throw new Error(`no .cpuprofile in ${dir}\n${gateway.child.tail()}`);
    profiles.push({
      mode,
      file: relative(REPO_ROOT, join(dir, file)),
      requests: result.requests,
      rps: result.rps,
      gatewayCpuPercent,
      summary: summarizeProfile(join(dir, file), { fromUs, toUs }),
    });
    process.stderr.write(`profiled ${mode}: ${fmt(result.rps)} req/s at ${CONNECTIONS} connections\n`);
  }
  return {
    gateway: { from: options.gatewayFrom, logLevel: options.logLevel },
    connections: CONNECTIONS,
    durationS: options.durationS,
    samplingIntervalUs: SAMPLING_INTERVAL_US,
    profiles,
    loadAtEnd: loadAverage(),
  };
}

export type ProfileResult = Awaited<ReturnType<typeof runProfile>>;

export function renderProfile(result: ProfileResult): string {
  const out: string[] = [];
  for (const p of result.profiles) {
    const s = p.summary;
    const perRequest = (ms: number) => (p.requests > 0 ? fmt((ms * 1000) / p.requests, 1) : '-');
    out.push(
      `\n${p.mode === 'stream' ? 'Stream' : 'Non-stream'} load: ${fmt(p.rps)} req/s, gateway CPU ${fmt(p.gatewayCpuPercent)}%, ` +
        `${fmt(s.busyMs)} ms busy in a ${fmt(s.windowMs)} ms window${s.windowed ? '' : ' (whole profile: the load window did not match)'}; ${p.file}`,
    );
    out.push(`Top ${s.topSelf.length} functions by self time`);
    out.push(
      table(
        ['#', 'self ms', '% busy', 'µs/req', 'where', 'function'],
        s.topSelf.map((f, i) => [
          String(i + 1),
          fmt(f.ms),
          fmt(f.percent, 1),
          perRequest(f.ms),
          f.group,
          f.name,
        ]),
      ),
    );
    out.push('\nSelf time by package');
    out.push(
      table(
        ['where', 'self ms', '% busy', 'µs/req'],
        s.byGroup.slice(0, 14).map((g) => [g.group, fmt(g.ms), fmt(g.percent, 1), perRequest(g.ms)]),
      ),
    );
    out.push('\nSwitchyard functions by inclusive time (callees included)');
    out.push(
      table(
        ['ms', '% busy', 'µs/req', 'function'],
        s.topInclusive.map((f) => [fmt(f.ms), fmt(f.percent, 1), perRequest(f.ms), f.name]),
      ),
    );
  }
  return out.join('\n');
}
