import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { GATEWAY_ENV_VARIABLES } from '../../src/config/gateway-env.js';

/** The gateway package directory (where `src/cli.ts` lives). */
export const GATEWAY_DIR = fileURLToPath(new URL('../..', import.meta.url));

/**
 * How the tests run the gateway: the CLI from source, as `node --conditions=@switchyard/source
 * --import tsx src/cli.ts`, so that no build is needed before testing (the README's `pnpm start`
 * runs the same CLI from `dist/` after building).
 */
export const CLI = ['--conditions=@switchyard/source', '--import', 'tsx', 'src/cli.ts'] as const;

export function childEnv(extra: Record<string, string | undefined> = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env };
  for (const name of GATEWAY_ENV_VARIABLES) delete env[name];
  for (const [name, value] of Object.entries(extra)) {
    if (value === undefined) delete env[name];
    else env[name] = value;
  }
  return env;
}

export function tempDir(prefix = 'switchyard-test-'): string {
  return mkdtempSync(join(tmpdir(), prefix));
}

export interface StartOptions {
  /** Extra environment (provider keys, SWITCHYARD_ADMIN_KEY…). */
  readonly env?: Record<string, string | undefined>;
  /** A config object, written as JSON to a temp file and passed with --config. */
  readonly config?: unknown;
  /** Reuse a data directory (a restart); a new temp dir otherwise. */
  readonly dataDir?: string;
  readonly args?: readonly string[];
  /**
   * A file descriptor for the gateway's stdout (its JSON logs) instead of a pipe read by the test;
   * the URL is then taken from the banner on stderr, and `stdout()` stays empty.
   */
  readonly stdout?: number;
}

export interface RunningGateway {
  readonly url: string;
  readonly dataDir: string;
  /** The admin key: SWITCHYARD_ADMIN_KEY, or the one the banner printed. */
  readonly adminKey: string;
  readonly process: ChildProcess;
  /** Everything written so far (JSON log lines on stdout, the banner on stderr). */
  stdout(): string;
  stderr(): string;
  /** Sends a signal (unless the process already exited) and resolves with the exit code. */
  stop(signal?: NodeJS.Signals): Promise<number | null>;
  /** Resolves with the exit code once the process has exited by itself. */
  readonly exited: Promise<number | null>;
  /** Calls the gateway with the admin key (or the given key). */
  fetch(path: string, init?: RequestInit & { key?: string | null }): Promise<Response>;
}

const running = new Set<ChildProcess>();
process.on('exit', () => {
  for (const child of running) child.kill('SIGKILL');
});

/** Starts `switchyard start` on 127.0.0.1, a random port and a temp data dir; resolves once it listens. */
export async function startGateway(options: StartOptions = {}): Promise<RunningGateway> {
  const dataDir = options.dataDir ?? tempDir();
  const args = [
    ...CLI,
    'start',
    '--port',
    '0',
    '--host',
    '127.0.0.1',
    '--data-dir',
    dataDir,
    ...(options.args ?? []),
  ];
  if (options.config !== undefined) {
    const path = join(dataDir, '..', `${dataDir.split('/').pop()}-config.json`);
    writeFileSync(path, JSON.stringify(options.config));
    args.push('--config', path);
  }
  const child = spawn(process.execPath, args, {
    cwd: GATEWAY_DIR,
    env: childEnv(options.env),
    stdio: ['ignore', options.stdout ?? 'pipe', 'pipe'],
  });
  running.add(child);
  let out = '';
  let err = '';
  child.stdout?.setEncoding('utf8').on('data', (text: string) => {
    out += text;
  });
  child.stderr!.setEncoding('utf8').on('data', (text: string) => {
    err += text;
  });
  const listens = options.stdout === undefined ? child.stdout! : child.stderr!;
  const exited = new Promise<number | null>((resolve) => {
    child.once('exit', (code) => {
      running.delete(child);
      resolve(code);
    });
  });
  const url = await new Promise<string>((resolve, reject) => {
    const check = () => {
      const line = out.split('\n').find((l) => l.includes('"msg":"listening"'));
      const banner = /gateway listening on (\S+)/.exec(err)?.[1];
      if (line || banner) {
        cleanup();
        resolve(line ? (JSON.parse(line) as { url: string }).url : banner!);
      }
    };
    const onExit = (code: number | null) => {
      cleanup();
      reject(new Error(`gateway exited with ${code} before listening:\n${err}\n${out}`));
    };
    const timer = setTimeout(() => {
      cleanup();
      child.kill('SIGKILL');
      reject(new Error(`gateway did not start within 20 s:\n${err}\n${out}`));
    }, 20_000);
    const cleanup = () => {
      clearTimeout(timer);
      listens.off('data', check);
      child.off('exit', onExit);
    };
    listens.on('data', check);
    child.once('exit', onExit);
  });
  // The banner is written right after the listening line.
  for (let i = 0; i < 100 && !err.includes('Try it:'); i++) await new Promise((r) => setTimeout(r, 20));
  const adminKey = options.env?.SWITCHYARD_ADMIN_KEY ?? /sk-sy-[A-Za-z0-9_-]+/.exec(err)?.[0] ?? '';
  return {
    url,
    dataDir,
    adminKey,
    process: child,
    exited,
    stdout: () => out,
    stderr: () => err,
    async stop(signal = 'SIGTERM') {
      if (child.exitCode === null && child.signalCode === null) child.kill(signal);
      return exited;
    },
    fetch(path, init = {}) {
      const { key = adminKey, ...rest } = init;
      const headers = new Headers(rest.headers);
      if (key !== null) headers.set('authorization', `Bearer ${key}`);
      if (rest.body !== undefined && !headers.has('content-type'))
        headers.set('content-type', 'application/json');
      return fetch(`${url}${path}`, { ...rest, headers });
    },
  };
}

/** Runs a CLI command to completion (asynchronously, so that independent runs can overlap). */
export function runCli(
  args: readonly string[],
  env: Record<string, string | undefined> = {},
): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const child = spawn(process.execPath, [...CLI, ...args], {
    cwd: GATEWAY_DIR,
    env: childEnv(env),
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout.setEncoding('utf8').on('data', (text: string) => {
    stdout += text;
  });
  child.stderr.setEncoding('utf8').on('data', (text: string) => {
    stderr += text;
  });
  const timer = setTimeout(() => child.kill('SIGKILL'), 30_000);
  return new Promise((resolve, reject) => {
    child.once('error', reject);
    child.once('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });
}

export function removeDir(dir: string): void {
  rmSync(dir, { recursive: true, force: true });
}

/** Creates an API key through the admin API; returns its secret. */
export async function createKey(gateway: RunningGateway, body: Record<string, unknown>): Promise<string> {
  const response = await gateway.fetch('/admin/keys', { method: 'POST', body: JSON.stringify(body) });
  if (response.status !== 201)
    throw new Error(`key creation failed: ${response.status} ${await response.text()}`);
  return ((await response.json()) as { secret: string }).secret;
}
