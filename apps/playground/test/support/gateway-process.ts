import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

// The gateway is another app: the playground starts its CLI and talks to it over HTTP only.
const GATEWAY_DIR = fileURLToPath(new URL('../../../gateway', import.meta.url));

/** What a process needs from the environment to run; nothing else of the caller's shell passes. */
const PASSED_ENV = ['PATH', 'HOME', 'TMPDIR', 'LANG', 'TZ'];

export interface GatewayProcess {
  url: string;
  adminKey: string;
  /** The gateway's data directory (its SQLite file is `switchyard.db` there). */
  dataDir: string;
  /** Everything the process printed so far (stdout and stderr: the start banner, then its logs). */
  output(): string;
  /** Calls the gateway with the admin key. */
  admin(path: string, init?: RequestInit): Promise<Response>;
  /** Creates an API key through the admin API and returns its secret. */
  createKey(body: Record<string, unknown>): Promise<string>;
  stop(): Promise<void>;
}

const running = new Set<ChildProcess>();
process.on('exit', () => {
  for (const child of running) child.kill('SIGKILL');
});

/**
 * Starts a real gateway process (`switchyard start` from source, as the gateway's own tests do) on
 * 127.0.0.1 and a free port, with a temp data dir, the given config, and the playground build in
 * `playgroundDir` served at `/`.
 */
export async function startGateway(options: {
  playgroundDir: string;
  config?: Record<string, unknown>;
  /** `'created'`: no SWITCHYARD_ADMIN_KEY, so the first start creates one and prints it in its banner. */
  adminKey?: string | 'created';
  /** The gateway's log level (default `warn`); `info` logs every request. */
  logLevel?: string;
}): Promise<GatewayProcess> {
  const dir = mkdtempSync(join(tmpdir(), 'playground-gateway-'));
  const given =
    options.adminKey === 'created'
      ? undefined
      : (options.adminKey ?? `sk-sy-playground-admin-${Date.now().toString(36)}`);
  const configPath = join(dir, 'config.json');
  const config = {
    ...options.config,
    server: { ...(options.config?.server as object), playground: options.playgroundDir },
  };
  writeFileSync(configPath, JSON.stringify(config));
  // The developer's shell (provider keys, SWITCHYARD_*, PORT) must not reach the gateway under test.
  const env: NodeJS.ProcessEnv = { SWITCHYARD_LOG_LEVEL: options.logLevel ?? 'warn' };
  if (given) env.SWITCHYARD_ADMIN_KEY = given;
  for (const name of PASSED_ENV) if (process.env[name] !== undefined) env[name] = process.env[name];
  const dataDir = join(dir, 'data');
  const child = spawn(
    process.execPath,
    [
      '--conditions=@switchyard/source',
      '--import',
      'tsx',
      'src/cli.ts',
      'start',
      '--port',
      '0',
      '--host',
      '127.0.0.1',
      '--data-dir',
      dataDir,
      '--config',
      configPath,
    ],
    { cwd: GATEWAY_DIR, env, stdio: ['ignore', 'pipe', 'pipe'] },
  );
  running.add(child);
  let output = '';
  const exited = new Promise<void>((resolve) =>
    child.once('exit', () => {
      running.delete(child);
      resolve();
    }),
  );
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`The gateway did not start within 30 s:\n${output}`));
    }, 30_000);
    const onData = (text: string) => {
      output += text;
      const match = /listening on (http:\/\/127\.0\.0\.1:\d+)/.exec(output);
      if (match) {
        clearTimeout(timer);
        resolve(match[1] as string);
      }
    };
    child.stdout?.setEncoding('utf8').on('data', onData);
    child.stderr?.setEncoding('utf8').on('data', onData);
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`The gateway exited with ${code} before listening:\n${output}`));
    });
  });
  // The banner follows the "listening on" line; its key line follows its heading.
  const adminKey = given ?? (await bannerKey(() => output));
  const admin = (path: string, init: RequestInit = {}) =>
    fetch(`${url}${path}`, {
      ...init,
      headers: { authorization: `Bearer ${adminKey}`, 'content-type': 'application/json', ...init.headers },
    });
  return {
    url,
    adminKey,
    dataDir,
    output: () => output,
    admin,
    async createKey(body) {
      const response = await admin('/admin/keys', { method: 'POST', body: JSON.stringify(body) });
      if (response.status !== 201)
        throw new Error(`Key creation failed: ${response.status} ${await response.text()}`);
      return ((await response.json()) as { secret: string }).secret;
    },
    async stop() {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 5_000);
      await exited;
      clearTimeout(timer);
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** The admin key a first start printed in its banner (waits up to 10 s for the banner to be printed). */
async function bannerKey(output: () => string): Promise<string> {
  for (let waited = 0; waited < 10_000; waited += 50) {
    const key = /created now and shown ONCE[^\n]*\n\s+(\S+)/.exec(output())?.[1];
    if (key) return key;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error(`No admin key in the banner:\n${output()}`);
}
