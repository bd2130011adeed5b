import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ChatAdapter } from '@switchyard/adapter-kit';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ConfigError } from '../config/config-error.js';
import { loadConfig } from '../config/load-config.js';
import { BUILTIN_ADAPTER_PLUGINS } from './builtin-adapter-plugins.js';
import { createProviderAdapters } from './create-provider-adapters.js';

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'switchyard-plugins-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

/** A config file in the temp dir with one provider `up`. */
function configWith(provider: Record<string, unknown>) {
  const path = join(dir, 'switchyard.json');
  writeFileSync(path, JSON.stringify({ providers: { up: provider } }));
  return loadConfig({ env: {}, cwd: dir, path });
}

async function issuesOf(provider: Record<string, unknown>): Promise<ConfigError['issues']> {
  const error = await createProviderAdapters(configWith(provider)).then(
    () => undefined,
    (e: unknown) => e,
  );
  if (!(error instanceof ConfigError)) throw new Error(`expected a ConfigError, got ${String(error)}`);
  return error.issues;
}

/** A plugin module written as plain ESM; `settingsSchema` is a hand-written Standard Schema. */
const ECHO_PLUGIN = `
export const adapterPlugin = {
  pluginVersion: 'v1',
  type: 'echo',
  settingsSchema: {
    '~standard': {
      version: 1,
      vendor: 'test',
      validate: (value) =>
        typeof value.greeting === 'string'
          ? { value: { greeting: value.greeting, loud: value.loud ?? false } }
          : { issues: [{ message: 'expected a string', path: [{ key: 'greeting' }] }] },
    },
  },
  create: (settings) => ({
    specificationVersion: 'v1',
    provider: settings.name,
    settings,
    async listModels() { return []; },
  }),
};
`;

function writeModule(relative: string, text: string): void {
  const path = join(dir, relative);
  mkdirSync(join(path, '..'), { recursive: true });
  writeFileSync(path, text);
}

describe('built-in adapters', () => {
  it('are registered by type through the same plugin contract', () => {
    expect([...BUILTIN_ADAPTER_PLUGINS.keys()]).toStrictEqual([
      'openai-compatible',
      'anthropic',
      'gemini',
      'simulator',
    ]);
    for (const [type, plugin] of BUILTIN_ADAPTER_PLUGINS) {
      expect([plugin.pluginVersion, plugin.type]).toStrictEqual(['v1', type]);
    }
  });

  it('names the registry when a type is unknown', async () => {
    expect(await issuesOf({ type: 'openai' })).toStrictEqual([
      {
        path: 'providers.up.type',
        message: 'unknown adapter type "openai"',
        fix: `use one of: ${[...BUILTIN_ADAPTER_PLUGINS.keys()].map((t) => `"${t}"`).join(', ')}; or name the adapter's package or file with module:`,
      },
    ]);
  });

  it("reports a plugin's refusal at the setting it names", async () => {
    expect(await issuesOf({ type: 'openai-compatible', preset: 'opnai' })).toStrictEqual([
      expect.objectContaining({ path: 'providers.up.preset', message: 'unknown preset "opnai"' }),
    ]);
    expect(await issuesOf({ type: 'openai-compatible' })).toStrictEqual([
      expect.objectContaining({ path: 'providers.up.baseURL' }),
    ]);
  });
});

describe('module: a plugin from a file or a package', () => {
  it('loads a file relative to the config file, validates options with its schema, and builds the adapter', async () => {
    writeModule('adapters/echo.mjs', ECHO_PLUGIN);
    const config = configWith({
      type: 'echo',
      module: './adapters/echo.mjs',
      apiKey: 'k-1',
      models: ['e-1'],
      options: { greeting: 'hi' },
    });
    const [built, ...others] = await createProviderAdapters(config);
    expect(others.map((other) => other.provider.name)).toStrictEqual(['simulator']);
    // The test plugin keeps the settings it was given on its adapter.
    const adapter = built?.adapter as (ChatAdapter & { settings: unknown }) | undefined;
    expect(adapter?.provider).toBe('up');
    expect(adapter?.settings).toStrictEqual({
      name: 'up',
      discover: false,
      apiKey: 'k-1',
      models: ['e-1'],
      options: { greeting: 'hi', loud: false },
    });
  });

  it("reports the schema's issues under options", async () => {
    writeModule('echo.mjs', ECHO_PLUGIN);
    expect(await issuesOf({ type: 'echo', module: './echo.mjs', options: { greeting: 3 } })).toStrictEqual([
      {
        path: 'providers.up.options.greeting',
        message: 'expected a string',
        fix: 'see the options of the "echo" adapter in its README',
      },
    ]);
  });

  it('says what failed, naming the provider, the module and the fix', async () => {
    writeModule('throws.mjs', "throw new Error('boom at import');\n");
    writeModule('nothing.mjs', 'export const createEcho = () => undefined;\n');
    writeModule(
      'old.mjs',
      "export const adapterPlugin = { pluginVersion: 'v0', type: 'echo', create() {} };\n",
    );
    writeModule('echo.mjs', ECHO_PLUGIN);
    const cases: [Record<string, unknown>, { path: string; message: string; fix: string }][] = [
      [
        { type: 'echo', module: './missing.mjs' },
        {
          path: 'providers.up.module',
          message: `"./missing.mjs": the file ${join(dir, 'missing.mjs')} does not exist`,
          fix: `give a path relative to the config file (${dir}), e.g. ./adapters/my-adapter.js`,
        },
      ],
      [
        { type: 'echo', module: '@acme/not-installed-adapter' },
        {
          path: 'providers.up.module',
          message: '"@acme/not-installed-adapter": no such package is installed beside the gateway',
          fix: 'install it where the gateway is installed (npm install @acme/not-installed-adapter), or give a file path starting with ./',
        },
      ],
      [
        { type: 'echo', module: './throws.mjs' },
        {
          path: 'providers.up.module',
          message: '"./throws.mjs": failed to load: boom at import',
          fix: 'fix the module (importing it with node shows the whole error), or remove module:',
        },
      ],
      [
        { type: 'echo', module: './nothing.mjs' },
        {
          path: 'providers.up.module',
          message: '"./nothing.mjs": exports no adapterPlugin (it exports: createEcho)',
          fix: "export it as `export const adapterPlugin = defineAdapterPlugin({ type, create })` (from '@switchyard/adapter-kit')",
        },
      ],
      [
        { type: 'echo', module: './old.mjs' },
        expect.objectContaining({
          path: 'providers.up.module',
          message: '"./old.mjs": its adapterPlugin has pluginVersion "v0"; this gateway loads "v1" plugins',
        }),
      ],
      [
        { type: 'ehco', module: './echo.mjs' },
        {
          path: 'providers.up.type',
          message: 'the module "./echo.mjs" serves type "echo", not "ehco"',
          fix: 'set type: echo',
        },
      ],
    ];
    for (const [provider, issue] of cases) expect(await issuesOf(provider)).toStrictEqual([issue]);
  });
});
