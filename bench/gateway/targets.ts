// Starts the three things under test as separate processes: the mock upstream, the bare proxy in
// front of it, and the gateway in front of it, started as users start it (its CLI and a config file).
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { script } from './compile-scripts.js';
import { GATEWAY_MODEL, UPSTREAM_MODEL } from './fixtures.js';
import { type Child, listeningPort, startProcess } from './processes.js';

export const REPO_ROOT = fileURLToPath(new URL('../..', import.meta.url));
const TSX = ['--import', 'tsx'];
/** What a process needs from the environment to run; nothing else of the caller's shell passes. */
export const PASSED_ENV = ['PATH', 'HOME', 'TMPDIR', 'LANG', 'TZ'];

/** What the load generators call. */
export interface Target {
  readonly name: 'upstream' | 'proxy' | 'gateway' | AnchorName;
  /** `POST` URL of chat completions. */
  readonly url: string;
  readonly model: string;
  readonly apiKey?: string;
  /** Headers the target needs on every request besides the key (e.g. an anchor's routing). */
  readonly headers?: Readonly<Record<string, string>>;
  readonly child: Child;
}

/** The other gateways the bench can run beside ours (`--anchor`). */
export type AnchorName = 'portkey';

/** How the gateway is run: the built CLI (`dist/cli.js`, what users run) or its sources via tsx. */
export type GatewayFrom = 'dist' | 'source';

export async function startUpstream(options: {
  logDir: string;
  name?: string;
  chunks?: number;
  chunkDelayMs?: number;
  fdLimit?: number;
}): Promise<Target> {
  const { child, value: port } = await startProcess({
    name: options.name ?? 'upstream',
    command: process.execPath,
    args: [
      script('mock-upstream'),
      '--chunks',
      String(options.chunks ?? 40),
      '--chunk-delay-ms',
      String(options.chunkDelayMs ?? 0),
    ],
    cwd: REPO_ROOT,
    logDir: options.logDir,
    ready: listeningPort,
    ...(options.fdLimit ? { fdLimit: options.fdLimit } : {}),
  });
  return {
    name: 'upstream',
    url: `http://127.0.0.1:${port}/v1/chat/completions`,
    model: UPSTREAM_MODEL,
    child,
  };
}

/** The one key the ledger proxy knows (a bench value, not a secret). */
const LEDGER_PROXY_KEY = 'sk-bench-ledger-proxy-key';

/** Which floor plays the proxy: the bare pass-through, or the same plus a minimal ledger. */
export type ProxyKind = 'bare' | 'ledger';

export async function startProxy(options: {
  kind: ProxyKind;
  logDir: string;
  upstream: Target;
  nodeFlags?: readonly string[];
  fdLimit?: number;
}): Promise<Target> {
  const origin = new URL(options.upstream.url).origin;
  const { child, value: port } = await startProcess({
    name: 'proxy',
    command: process.execPath,
    args: [
      ...(options.nodeFlags ?? []),
      ...(options.kind === 'bare'
        ? [script('bare-proxy'), '--target', origin]
        : [
            script('ledger-proxy'),
            '--target',
            origin,
            '--repo',
            REPO_ROOT,
            '--db',
            join(options.logDir, 'ledger.db'),
            '--key',
            LEDGER_PROXY_KEY,
          ]),
    ],
    cwd: REPO_ROOT,
    logDir: options.logDir,
    ready: listeningPort,
    ...(options.fdLimit ? { fdLimit: options.fdLimit } : {}),
  });
  return {
    name: 'proxy',
    url: `http://127.0.0.1:${port}/v1/chat/completions`,
    model: UPSTREAM_MODEL,
    ...(options.kind === 'ledger' ? { apiKey: LEDGER_PROXY_KEY } : {}),
    child,
  };
}

export interface GatewayOptions {
  readonly logDir: string;
  /** A fresh directory for the config file and the SQLite database. */
  readonly dataDir: string;
  readonly upstream: Target;
  readonly from: GatewayFrom;
  readonly logLevel: string;
  /** Extra `node` flags (e.g. `--cpu-prof`). */
  readonly nodeFlags?: readonly string[];
  readonly fdLimit?: number;
  readonly name?: string;
  /** `server.admission` as the bench sets it (default: the gateway's defaults). */
  readonly admission?: BenchAdmission;
  /** `switchyard start --workers` (default 1). */
  readonly workers?: string;
}

/** The key the gateways send the mock upstream (it checks none; a bench value, not a secret). */
export const UPSTREAM_API_KEY = 'sk-bench-upstream-key-not-a-secret';

/** A made-up admin key for the throwaway data directory of a benchmark run. */
const ADMIN_KEY = 'sy-bench-admin-key-0123456789abcdef';

/** The gateway config of the benchmark: one OpenAI-compatible provider (the mock), one public model. */
/** `off`: admission control disabled; a number: its `maxInFlight`; `default`: as shipped. */
export type BenchAdmission = 'default' | 'off' | number;

export function gatewayConfig(
  upstream: Target,
  logLevel: string,
  admission: BenchAdmission = 'default',
): unknown {
  const shedding =
    admission === 'default'
      ? {}
      : { admission: admission === 'off' ? { enabled: false } : { maxInFlight: admission } };
  return {
    server: { playground: false, ...shedding },
    providers: {
      mock: {
        type: 'openai-compatible',
        baseURL: `${new URL(upstream.url).origin}/v1`,
        apiKey: UPSTREAM_API_KEY,
        models: [UPSTREAM_MODEL],
      },
    },
    models: { [GATEWAY_MODEL]: { deployments: [`mock/${UPSTREAM_MODEL}`] } },
    prices: { [UPSTREAM_MODEL]: { input: 0.5, output: 1.5 } },
    logging: { level: logLevel },
  };
}

/**
 * Starts `switchyard start` with a config file, then creates an API key through the admin API
 * with limits far above what the load can reach (they are checked on every request, never hit).
 */
export async function startGateway(options: GatewayOptions): Promise<Target> {
  const configPath = join(options.dataDir, 'switchyard.json');
  writeFileSync(
    configPath,
    JSON.stringify(gatewayConfig(options.upstream, options.logLevel, options.admission), null, 2),
  );
  const entry =
    options.from === 'dist'
      ? [join(REPO_ROOT, 'apps/gateway/dist/cli.js')]
      : ['--conditions=@switchyard/source', ...TSX, join(REPO_ROOT, 'apps/gateway/src/cli.ts')];
  // The caller's shell (provider keys, SWITCHYARD_*, PORT) must not change the gateway under test.
  const env: NodeJS.ProcessEnv = { SWITCHYARD_ADMIN_KEY: ADMIN_KEY };
  for (const name of PASSED_ENV) if (process.env[name] !== undefined) env[name] = process.env[name];
  const { child, value: url } = await startProcess({
    name: options.name ?? 'gateway',
    command: process.execPath,
    args: [
      // As `pnpm start` runs it (see docs/deploy.md, "Sizing").
      '--max-semi-space-size=32',
      ...(options.nodeFlags ?? []),
      ...entry,
      'start',
      '--config',
      configPath,
      '--host',
      '127.0.0.1',
      '--port',
      '0',
      '--data-dir',
      options.dataDir,
      ...(options.workers && options.workers !== '1' ? ['--workers', options.workers] : []),
    ],
    cwd: REPO_ROOT,
    env,
    logDir: options.logDir,
    timeoutMs: 60_000,
    ready: (stdout) => {
      const line = stdout.split('\n').find((l) => l.includes('"msg":"listening"'));
      return line ? (JSON.parse(line) as { url: string }).url : undefined;
    },
    ...(options.fdLimit ? { fdLimit: options.fdLimit } : {}),
  });
  const response = await fetch(`${url}/admin/keys`, {
    method: 'POST',
    headers: { authorization: `Bearer ${ADMIN_KEY}`, 'content-type': 'application/json' },
    body: JSON.stringify({ name: 'bench', rpm: 1_000_000_000, tpm: 1_000_000_000_000 }),
  });
  if (response.status !== 201) {
    await child.stop();
    throw new Error(`creating the bench key failed: ${response.status} ${await response.text()}`);
  }
  const { secret } = (await response.json()) as { secret: string };
  return { name: 'gateway', url: `${url}/v1/chat/completions`, model: GATEWAY_MODEL, apiKey: secret, child };
}

/** The gateway's base URL (without `/v1/chat/completions`). */
export function baseUrl(target: Target): string {
  return new URL(target.url).origin;
}

export interface GatewayCounters {
  /** `switchyard_requests_total` by status. */
  readonly requestsByStatus: Record<string, number>;
  readonly upstreamErrors: number;
  readonly rejections: number;
  /** `switchyard_inflight_streams`: streams the gateway believes are still open. */
  readonly inflightStreams: number;
  /** Mean of `switchyard_gateway_overhead_seconds`, in ms (the gateway's own estimate). */
  readonly meanOverheadMs: number;
}

/** Reads the gateway's Prometheus metrics (the ledger and metrics are on: this proves it). */
export async function gatewayCounters(gateway: Target): Promise<GatewayCounters> {
  const text = await (await fetch(`${baseUrl(gateway)}/metrics`)).text();
  const requestsByStatus: Record<string, number> = {};
  let upstreamErrors = 0;
  let rejections = 0;
  let inflightStreams = 0;
  let overheadSum = 0;
  let overheadCount = 0;
  for (const line of text.split('\n')) {
    if (line.startsWith('#') || line.trim() === '') continue;
    const value = Number(line.slice(line.lastIndexOf(' ') + 1));
    if (line.startsWith('switchyard_requests_total{')) {
      const status = /status="([^"]*)"/.exec(line)?.[1] ?? '?';
      requestsByStatus[status] = (requestsByStatus[status] ?? 0) + value;
    } else if (line.startsWith('switchyard_upstream_errors_total')) upstreamErrors += value;
    else if (line.startsWith('switchyard_rejections_total')) rejections += value;
    else if (line.startsWith('switchyard_inflight_streams')) inflightStreams = value;
    else if (line.startsWith('switchyard_gateway_overhead_seconds_sum')) overheadSum = value;
    else if (line.startsWith('switchyard_gateway_overhead_seconds_count')) overheadCount = value;
  }
  return {
    requestsByStatus,
    upstreamErrors,
    rejections,
    inflightStreams,
    meanOverheadMs: overheadCount > 0 ? (overheadSum / overheadCount) * 1000 : Number.NaN,
  };
}

/** The mock upstream's request counters. */
export async function upstreamCounters(upstream: Target): Promise<Record<string, number>> {
  return (await (await fetch(`${new URL(upstream.url).origin}/__stats`)).json()) as Record<string, number>;
}
