// The context a result needs to be read: the machine, its load, the code measured, and where
// results are saved.
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { cpus, totalmem } from 'node:os';
import { join } from 'node:path';
import { loadAverage } from './processes.js';
import { type GatewayFrom, REPO_ROOT } from './targets.js';

export const RESULTS_DIR = join(REPO_ROOT, 'bench/results');

export interface Environment {
  readonly date: string;
  readonly node: string;
  readonly cpus: number;
  readonly cpuModel: string;
  readonly memoryGb: number;
  readonly loadAtStart: ReturnType<typeof loadAverage>;
  readonly commit: string;
  /** Uncommitted changes under the code being measured (gateway, packages). */
  readonly dirty: boolean;
}

function git(args: readonly string[]): string {
  try {
    return execFileSync('git', [...args], { cwd: REPO_ROOT, encoding: 'utf8' }).trim();
  } catch {
    return '';
  }
}

export function environment(): Environment {
  const all = cpus();
  return {
    date: new Date().toISOString(),
    node: process.version,
    cpus: all.length,
    cpuModel: all[0]?.model ?? 'unknown',
    memoryGb: Math.round(totalmem() / 2 ** 30),
    loadAtStart: loadAverage(),
    commit: git(['rev-parse', '--short', 'HEAD']),
    dirty: git(['status', '--porcelain', '--', 'apps/gateway', 'packages']) !== '',
  };
}

/** Builds the gateway and the packages it depends on (turbo; cached when nothing changed). */
export function buildGateway(from: GatewayFrom): void {
  if (from === 'source') return;
  process.stderr.write('building the gateway (turbo run build --filter=@switchyard/gateway...)\n');
  const result = spawnSync(
    'pnpm',
    ['exec', 'turbo', 'run', 'build', '--filter=@switchyard/gateway...', '--output-logs=errors-only'],
    { cwd: REPO_ROOT, stdio: ['ignore', 'inherit', 'inherit'], timeout: 600_000 },
  );
  if (result.status !== 0) {
    throw new Error(
      'the gateway build failed: fix it, or run with --no-build (the existing dist) or --gateway-from source',
    );
  }
  if (!existsSync(join(REPO_ROOT, 'apps/gateway/dist/cli.js')))
    throw new Error('apps/gateway/dist/cli.js is missing');
}

/** Writes a result as `bench/results/<date>-<label>[-n].json`; returns its path. */
export function saveResult(label: string, result: unknown): string {
  mkdirSync(RESULTS_DIR, { recursive: true });
  const day = new Date().toISOString().slice(0, 10);
  let path = join(RESULTS_DIR, `${day}-${label}.json`);
  for (let n = 2; existsSync(path); n++) path = join(RESULTS_DIR, `${day}-${label}-${n}.json`);
  writeFileSync(path, `${JSON.stringify(result, null, 2)}\n`);
  return path;
}

/** Formats a load average for a report line. */
export function formatLoad(load: ReturnType<typeof loadAverage>, cores: number): string {
  return `load average ${load.load1.toFixed(2)} ${load.load5.toFixed(2)} ${load.load15.toFixed(2)} on ${cores} cores`;
}
