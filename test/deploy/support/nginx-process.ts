import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';

/**
 * The nginx binary: `SWITCHYARD_NGINX` (`.ci/services.sh` sets it), else `nginx` on the PATH or
 * Debian's `/usr/sbin/nginx`; undefined when there is none.
 */
export function findNginx(): string | undefined {
  const configured = process.env.SWITCHYARD_NGINX;
  if (configured) return configured;
  for (const dir of [...(process.env.PATH ?? '').split(':'), '/usr/sbin']) {
    if (dir && existsSync(join(dir, 'nginx'))) return join(dir, 'nginx');
  }
  return undefined;
}

const DEPLOY_DOC = new URL('../../../docs/deploy.md', import.meta.url);

/** The one ```nginx block of docs/deploy.md, as a reader copies it. */
export function deployDocSnippet(): string {
  const blocks = [...readFileSync(DEPLOY_DOC, 'utf8').matchAll(/^```nginx\n([\s\S]*?)^```$/gm)];
  if (blocks.length !== 1) throw new Error(`docs/deploy.md has ${blocks.length} nginx blocks, expected 1`);
  return (blocks[0] as RegExpMatchArray)[1] as string;
}

/** Replaces what `pattern` matches, and insists that it matched exactly `count` times. */
function replaceExactly(text: string, pattern: RegExp, count: number, by: (index: number) => string): string {
  let index = 0;
  const out = text.replace(pattern, (...match) => {
    const groups = match.slice(1, -2) as string[];
    return `${groups[0] ?? ''}${by(index++)}`;
  });
  if (index !== count) {
    throw new Error(
      `docs/deploy.md's nginx block changed shape: ${pattern} matched ${index} times, not ${count}`,
    );
  }
  return out;
}

/**
 * The documented config with only the addresses changed: the `server` lines of the upstream block
 * point at `replicas`, and `listen 443 ssl` becomes plain HTTP on `listen`. Every other line
 * (balancing, keepalive, buffering, timeouts, retries) is tested as written.
 */
export function configFromDocs(snippet: string, replicas: readonly string[], listen: string): string {
  const upstreams = replaceExactly(
    snippet,
    /^(\s*server\s+)[^\s;{]+/gm,
    replicas.length,
    (i) => replicas[i] as string,
  );
  return replaceExactly(upstreams, /^(\s*listen\s+)[^;]+/gm, 1, () => listen);
}

export interface RunningNginx {
  readonly url: string;
  readonly process: ChildProcess;
  /** nginx's error log so far (for failure messages). */
  errorLog(): string;
  /** Graceful stop (SIGQUIT), then SIGKILL if it lingers; resolves once it exited. */
  stop(): Promise<void>;
}

/** A free loopback port (a race with other processes is possible, and fails loudly). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

/**
 * Runs nginx in the foreground (`daemon off`, one process) with `httpConfig` inside `http {}`,
 * and everything it writes (pid, logs, temp files) under `dir`. Resolves once `probePath`
 * answers through it.
 */
export async function startNginx(options: {
  nginx: string;
  dir: string;
  httpConfig: string;
  port: number;
  probePath: string;
}): Promise<RunningNginx> {
  const { nginx, dir } = options;
  mkdirSync(dir, { recursive: true });
  const errorLog = join(dir, 'error.log');
  const temp = tempPathDirectives(nginx, dir);
  const config = [
    'daemon off;',
    'master_process off;',
    `pid ${join(dir, 'nginx.pid')};`,
    `error_log ${errorLog} warn;`,
    'events { worker_connections 1024; }',
    'http {',
    `  access_log ${join(dir, 'access.log')};`,
    ...temp.map((line) => `  ${line}`),
    options.httpConfig,
    '}',
    '',
  ].join('\n');
  const configPath = join(dir, 'nginx.conf');
  writeFileSync(configPath, config);
  const child = spawn(nginx, ['-p', `${dir}/`, '-c', configPath, '-e', errorLog], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout!.setEncoding('utf8').on('data', (text: string) => {
    output += text;
  });
  child.stderr!.setEncoding('utf8').on('data', (text: string) => {
    output += text;
  });
  let failure: Error | undefined;
  const exited = new Promise<void>((resolve) => {
    child.once('exit', () => resolve());
    child.once('error', (error) => {
      failure = error;
      resolve();
    });
  });
  const readLog = () => (existsSync(errorLog) ? readFileSync(errorLog, 'utf8') : '');
  const url = `http://127.0.0.1:${options.port}`;
  const deadline = Date.now() + 10_000;
  for (;;) {
    if (failure || child.exitCode !== null || child.signalCode !== null) {
      throw new Error(
        `nginx exited before serving: ${failure?.message ?? ''}\n${output}\n${readLog()}\n--- config ---\n${config}`,
      );
    }
    const ok = await fetch(`${url}${options.probePath}`)
      .then((response) => response.status === 200)
      .catch(() => false);
    if (ok) break;
    if (Date.now() > deadline) {
      child.kill('SIGKILL');
      throw new Error(`nginx did not serve ${options.probePath} within 10 s:\n${output}\n${readLog()}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  return {
    url,
    process: child,
    errorLog: readLog,
    async stop() {
      if (child.exitCode !== null || child.signalCode !== null) return;
      child.kill('SIGQUIT');
      const timer = setTimeout(() => child.kill('SIGKILL'), 5_000);
      await exited;
      clearTimeout(timer);
    },
  };
}

/**
 * The temp paths this nginx build creates at start (`--http-*-temp-path` in `nginx -V`), moved
 * under `dir`: the compiled-in ones (/var/lib/nginx/…) need root.
 */
function tempPathDirectives(nginx: string, dir: string): string[] {
  const info = spawnSync(nginx, ['-V'], { encoding: 'utf8' });
  const names = [...`${info.stdout}${info.stderr}`.matchAll(/--http-([a-z-]+)-temp-path=/g)].map(
    (m) => m[1] as string,
  );
  return names.map((name) => `${name.replaceAll('-', '_')}_temp_path ${join(dir, `${name}-temp`)};`);
}
