// The anchor a user would compare with: Portkey's open-source gateway (`@portkey-ai/gateway`),
// installed on demand into an ignored folder (bench/.anchors/portkey/) and started as a separate
// process on 127.0.0.1 in front of the same mock upstream, routed by its `x-portkey-*` headers.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { script } from './compile-scripts.js';
import { listeningPort, startProcess } from './processes.js';
import { PASSED_ENV, REPO_ROOT, type Target, UPSTREAM_API_KEY } from './targets.js';

/** The version issue 21 measured (runs on Node 20). */
export const PORTKEY_VERSION = '1.15.2';
/**
 * Portkey's own range resolves `@hono/node-server` 1.19.x (nested, for `@hono/node-ws`), with
 * which every stream fails (`TypeError: immutable`, answered as a 500); 1.13.8 streams.
 */
export const HONO_NODE_SERVER_VERSION = '1.13.8';
export const PORTKEY_DIR = join(REPO_ROOT, 'bench/.anchors/portkey');

/** The anchor could not be installed; the message says what to run by hand. */
export class AnchorInstallError extends Error {
  override readonly name = 'AnchorInstallError';
}

/** The package.json of the anchor folder: Portkey pinned, `@hono/node-server` pinned everywhere. */
export function portkeyManifest(): unknown {
  return {
    name: 'switchyard-bench-anchor-portkey',
    private: true,
    description: 'Installed by `pnpm bench:gateway --anchor portkey`; safe to delete.',
    dependencies: {
      '@portkey-ai/gateway': PORTKEY_VERSION,
      '@hono/node-server': HONO_NODE_SERVER_VERSION,
    },
    overrides: { '@hono/node-server': HONO_NODE_SERVER_VERSION },
  };
}

function installedVersion(name: string): string | undefined {
  const path = join(PORTKEY_DIR, 'node_modules', name, 'package.json');
  if (!existsSync(path)) return undefined;
  return (JSON.parse(readFileSync(path, 'utf8')) as { version?: string }).version;
}

/** The `npm install` that installs the anchor (`--ignore-scripts`: its one script, patch-package, has no patches to apply in a consumer). */
const NPM_ARGS = ['install', '--no-audit', '--no-fund', '--ignore-scripts', '--loglevel=error'];

/**
 * Installs Portkey into bench/.anchors/portkey/ unless the pinned versions are already there;
 * returns the path of its server script. Throws {@link AnchorInstallError} if npm fails.
 */
export function ensurePortkey(log: (line: string) => void): string {
  const entry = join(PORTKEY_DIR, 'node_modules/@portkey-ai/gateway/build/start-server.js');
  if (
    existsSync(entry) &&
    installedVersion('@portkey-ai/gateway') === PORTKEY_VERSION &&
    installedVersion('@hono/node-server') === HONO_NODE_SERVER_VERSION
  )
    return entry;
  mkdirSync(PORTKEY_DIR, { recursive: true });
  writeFileSync(join(PORTKEY_DIR, 'package.json'), `${JSON.stringify(portkeyManifest(), null, 2)}\n`);
  const byHand = `cd ${PORTKEY_DIR} && npm ${NPM_ARGS.join(' ')}`;
  log(`installing the anchor: @portkey-ai/gateway@${PORTKEY_VERSION} into ${PORTKEY_DIR} (once)`);
  const result = spawnSync('npm', NPM_ARGS, {
    cwd: PORTKEY_DIR,
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'pipe'],
    timeout: 300_000,
  });
  const why = result.error
    ? `npm could not run (${result.error.message}); is npm on the PATH?`
    : result.status !== 0
      ? `npm exited with ${result.status ?? result.signal}:\n${result.stderr.trim().split('\n').slice(0, 4).join('\n')}`
      : !existsSync(entry)
        ? `npm succeeded but ${entry} is missing`
        : installedVersion('@hono/node-server') !== HONO_NODE_SERVER_VERSION
          ? `@hono/node-server resolved to ${installedVersion('@hono/node-server')}, not ${HONO_NODE_SERVER_VERSION}`
          : undefined;
  if (why)
    throw new AnchorInstallError(
      `could not install the Portkey anchor: ${why}\nInstall it by hand, then run the bench again:\n  ${byHand}\nor run without --anchor.`,
    );
  return entry;
}

/** The routing Portkey takes in headers: the OpenAI provider at the mock upstream's address. */
export function portkeyHeaders(upstream: Pick<Target, 'url'>): Readonly<Record<string, string>> {
  return {
    'x-portkey-provider': 'openai',
    'x-portkey-custom-host': `${new URL(upstream.url).origin}/v1`,
  };
}

/** Starts Portkey (`start-server.js --headless`) on 127.0.0.1 in front of `upstream`. */
export async function startPortkey(options: {
  entry: string;
  logDir: string;
  upstream: Target;
}): Promise<Target> {
  const env: NodeJS.ProcessEnv = {};
  for (const name of PASSED_ENV) if (process.env[name] !== undefined) env[name] = process.env[name];
  const { child, value: port } = await startProcess({
    name: 'portkey',
    command: process.execPath,
    args: ['--import', script('loopback-listen'), options.entry, '--headless'],
    cwd: PORTKEY_DIR,
    env,
    logDir: options.logDir,
    ready: listeningPort,
  });
  return {
    name: 'portkey',
    url: `http://127.0.0.1:${port}/v1/chat/completions`,
    model: options.upstream.model,
    // Portkey forwards the caller's key to the provider: the upstream's key, as a user sends it.
    apiKey: UPSTREAM_API_KEY,
    headers: portkeyHeaders(options.upstream),
    child,
  };
}
