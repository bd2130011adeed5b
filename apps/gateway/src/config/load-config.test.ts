// biome-ignore-all lint/suspicious/noTemplateCurlyInString: ${ENV} is the config syntax under test.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ConfigError } from './config-error.js';
import { loadConfig } from './load-config.js';
import { REDACTED, redactedConfig } from './redact-config.js';

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'switchyard-config-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

function write(name: string, text: string): string {
  const path = join(dir, name);
  writeFileSync(path, text);
  return path;
}

function issuesOf(run: () => unknown): ConfigError['issues'] {
  try {
    run();
  } catch (error) {
    if (error instanceof ConfigError) return error.issues;
    throw error;
  }
  throw new Error('expected a ConfigError');
}

describe('zero config', () => {
  it('listens on 127.0.0.1:8787 with a data dir under the working directory and only the simulator', () => {
    const config = loadConfig({ env: {}, cwd: dir });
    expect(config.server).toMatchObject({ host: '127.0.0.1', port: 8787, dataDir: join(dir, '.switchyard') });
    expect(config.providers.map((p) => p.name)).toEqual(['simulator']);
    expect(config.source).toBeUndefined();
    // Alone, the simulator loads its tokenizer at start: the first request does not wait for it.
    expect(config.providers[0]?.options).toBeUndefined();
  });

  it("loads the built-in simulator's tokenizer (~60 MB) on first use when real providers are configured", () => {
    const config = loadConfig({ env: { OPENAI_API_KEY: 'sk-test' }, cwd: dir });
    expect(config.providers.map((p) => [p.name, p.options])).toEqual([
      ['openai', undefined],
      ['simulator', { warmTokenizer: false }],
    ]);
  });

  it('takes PORT, HOST, SWITCHYARD_DATA_DIR and SWITCHYARD_ADMIN_KEY from the environment', () => {
    const config = loadConfig({
      env: {
        PORT: '9000',
        HOST: '0.0.0.0',
        SWITCHYARD_DATA_DIR: 'data',
        SWITCHYARD_ADMIN_KEY: 'a'.repeat(24),
      },
      cwd: dir,
    });
    expect(config.server).toMatchObject({ host: '0.0.0.0', port: 9000, dataDir: join(dir, 'data') });
    expect(config.adminKey).toBe('a'.repeat(24));
  });

  it('enables providers from API keys, with base URL overrides, in priority order', () => {
    const config = loadConfig({
      env: {
        GEMINI_API_KEY: 'g-key',
        OPENAI_API_KEY: 'o-key',
        TOKEN360_API_KEY: 't-key',
        TOKEN360_BASE_URL: 'http://127.0.0.1:9999/v1/',
        ANTHROPIC_API_KEY: 'a-key',
      },
      cwd: dir,
    });
    expect(config.providers.map((p) => [p.name, p.type, p.apiKey, p.baseURL])).toEqual([
      ['token360', 'openai-compatible', 't-key', 'http://127.0.0.1:9999/v1'],
      ['openai', 'openai-compatible', 'o-key', undefined],
      ['anthropic', 'anthropic', 'a-key', undefined],
      ['gemini', 'gemini', 'g-key', undefined],
      ['simulator', 'simulator', undefined, undefined],
    ]);
  });

  it('turns OPENAI_BASE_URL without a key into a discovered local provider', () => {
    const config = loadConfig({ env: { OPENAI_BASE_URL: 'http://127.0.0.1:11434/v1' }, cwd: dir });
    const local = config.providers.find((p) => p.name === 'local');
    expect(local).toMatchObject({
      type: 'openai-compatible',
      baseURL: 'http://127.0.0.1:11434/v1',
      discover: true,
    });
    expect(local?.apiKey).toBeUndefined();
  });

  it('rejects a base URL that is not http(s), naming the variable', () => {
    const issues = issuesOf(() => loadConfig({ env: { OPENAI_BASE_URL: 'localhost:11434' }, cwd: dir }));
    expect(issues).toEqual([expect.objectContaining({ path: 'env.OPENAI_BASE_URL' })]);
  });
});

describe('config file', () => {
  it('reads YAML from switchyard.yaml in the working directory, interpolating ${ENV} with defaults', () => {
    write(
      'switchyard.yaml',
      [
        'server:',
        '  port: ${GATEWAY_PORT:-7000}',
        '  dataDir: ./state',
        'providers:',
        '  upstream:',
        '    type: openai-compatible',
        '    baseURL: ${UPSTREAM_URL}',
        '    apiKey: ${UPSTREAM_KEY}',
        '    models: [m-1, m-2]',
        'models:',
        '  smart:',
        '    strategy: weighted',
        '    deployments:',
        '      - upstream/m-1',
        '      - { provider: simulator, model: simulator/echo, weight: 3 }',
        '    aliases: [clever]',
        'prices:',
        '  m-1: { input: 1, output: 2 }',
        '  upstream:',
        '    m-2: { input: 3, output: 4, cachedInput: 0.3, cacheWrite: 3.75 }',
      ].join('\n'),
    );
    const config = loadConfig({
      env: { UPSTREAM_URL: 'http://127.0.0.1:1234/v1', UPSTREAM_KEY: 'secret' },
      cwd: dir,
    });
    expect(config.server.port).toBe(7000);
    expect(config.server.dataDir).toBe(join(dir, 'state'));
    expect(config.providers[0]).toMatchObject({
      name: 'upstream',
      baseURL: 'http://127.0.0.1:1234/v1',
      apiKey: 'secret',
      models: ['m-1', 'm-2'],
      discover: false,
      origin: 'file',
    });
    expect(config.models).toEqual([
      {
        name: 'smart',
        strategy: 'weighted',
        deployments: [
          { provider: 'upstream', model: 'm-1', weight: 1, timeoutMs: undefined },
          { provider: 'simulator', model: 'simulator/echo', weight: 3, timeoutMs: undefined },
        ],
        aliases: ['clever'],
        retries: undefined,
        timeoutMs: undefined,
        description: undefined,
      },
    ]);
    expect(config.prices['m-1']).toEqual({ input: 1, output: 2 });
    // Per provider, cache writes included (issue 20).
    expect(config.prices.upstream).toEqual({
      'm-2': { input: 3, output: 4, cachedInput: 0.3, cacheWrite: 3.75 },
    });
    expect(config.routing.breaker).toEqual({
      failureThreshold: 5,
      cooldownMs: 30_000,
      maxCooldownMs: 300_000,
    });
  });

  it('reads JSON given by --config, and lets the environment win over the file', () => {
    const path = write('gw.json', JSON.stringify({ server: { port: 1234, host: '127.0.0.2' } }));
    const config = loadConfig({ path, env: { PORT: '4321' }, cwd: dir });
    expect(config.server).toMatchObject({ port: 4321, host: '127.0.0.2' });
    expect(config.source).toBe(path);
  });

  it("names the price field at fault, in a model price and in a provider's prices", () => {
    write(
      'switchyard.yaml',
      [
        'prices:',
        '  m: { input: "x", output: 2 }',
        '  up:',
        '    m2: { input: 1, output: 2, cacheWrite: -1 }',
      ].join('\n'),
    );
    expect(issuesOf(() => loadConfig({ env: {}, cwd: dir })).map((i) => i.path)).toEqual([
      'prices.m.input',
      'prices.up.m2.cacheWrite',
    ]);
  });

  it('names the unset variable and the path where it is used', () => {
    write('switchyard.yaml', 'providers:\n  up:\n    type: anthropic\n    apiKey: ${MISSING_KEY}\n');
    expect(issuesOf(() => loadConfig({ env: {}, cwd: dir }))).toEqual([
      {
        path: 'providers.up.apiKey',
        message: 'environment variable MISSING_KEY is not set',
        fix: 'export MISSING_KEY=..., or give a default: ${MISSING_KEY:-value}',
      },
    ]);
  });

  it('keeps $${ as a literal and reports malformed references', () => {
    write('switchyard.yaml', 'providers:\n  up:\n    type: anthropic\n    apiKey: "$${x} ${not valid}"\n');
    expect(issuesOf(() => loadConfig({ env: {}, cwd: dir }))).toEqual([
      expect.objectContaining({
        path: 'providers.up.apiKey',
        message: 'malformed environment reference ${not valid}',
      }),
    ]);
  });

  it('lists every problem with its path and a fix: typos, wrong types, unknown providers', () => {
    write(
      'switchyard.yaml',
      [
        'server:',
        '  prot: 80',
        'routing:',
        '  retries: lots',
        'providers:',
        '  up:',
        '    type: openai',
        '    baseUrl: http://x',
        'models:',
        '  smart:',
        '    deployments: [gpt-4o]',
      ].join('\n'),
    );
    const issues = issuesOf(() => loadConfig({ env: {}, cwd: dir }));
    expect(issues).toEqual(
      expect.arrayContaining([
        { path: 'server.prot', message: 'unknown key', fix: 'did you mean "port"?' },
        expect.objectContaining({
          path: 'routing.retries',
          message: 'expected number, found the string "lots"',
        }),
        { path: 'providers.up.baseUrl', message: 'unknown key', fix: 'did you mean "baseURL"?' },
        expect.objectContaining({
          path: 'models.smart.deployments[0]',
          fix: 'write "<provider>/gpt-4o", or { provider: ..., model: ... }',
        }),
      ]),
    );
    // `type: openai` is a well-formed name: whether an adapter plugin serves it is checked when the
    // adapters are built (create-provider-adapters.test.ts), against the registry.
    expect(issues).toHaveLength(4);
  });

  it('explains how to enable an env provider that a model refers to', () => {
    write('switchyard.yaml', 'models:\n  smart:\n    deployments: [openai/gpt-4o, simulatr/echo]\n');
    expect(issuesOf(() => loadConfig({ env: {}, cwd: dir }))).toEqual([
      {
        path: 'models.smart.deployments[0].provider',
        message: 'provider "openai" is not configured',
        fix: 'set OPENAI_API_KEY in the environment, or declare providers.openai',
      },
      {
        path: 'models.smart.deployments[1].provider',
        message: 'provider "simulatr" is not configured',
        fix: 'did you mean "simulator"? Configured: simulator',
      },
    ]);
  });

  it('rejects duplicate public names across models and aliases', () => {
    write(
      'switchyard.yaml',
      'models:\n  a:\n    deployments: [simulator/x]\n    aliases: [b]\n  b:\n    deployments: [simulator/y]\n',
    );
    expect(issuesOf(() => loadConfig({ env: {}, cwd: dir }))).toEqual([
      expect.objectContaining({ path: 'models.b', message: '"b" is already used by models.a.aliases[0]' }),
    ]);
  });

  it('reports an over-indented YAML line at that line, once, showing it', () => {
    write('switchyard.yaml', 'server:\n  port: 1\n  host: 127.0.0.1\n    dataDir: x\n');
    const issues = issuesOf(() => loadConfig({ env: {}, cwd: dir }));
    expect(issues).toStrictEqual([
      expect.objectContaining({
        message:
          'YAML syntax error at line 4, column 5: this line is indented more than the line above it, whose value is already set',
        excerpt: '4 |     dataDir: x\n  |     ^',
      }),
    ]);
  });

  it('reports other YAML syntax errors with line, column and the line', () => {
    write('switchyard.yaml', 'server:\n  port: [1\n');
    const [issue] = issuesOf(() => loadConfig({ env: {}, cwd: dir }));
    expect(issue?.message).toMatch(/^YAML syntax error at line \d+, column \d+: /);
    expect(issue?.excerpt).toMatch(/^\d+ \| /);
  });

  it('reports JSON syntax errors with line and column, showing the line but not quoting the rest', () => {
    const path = write(
      'gw.json',
      '{\n  "providers": {"up": {"type": "anthropic", "apiKey": "sk-secret-1"}},\n  "server": {"port": 1,}\n}',
    );
    const error = (() => {
      try {
        loadConfig({ path, env: {}, cwd: dir });
      } catch (e) {
        return e as ConfigError;
      }
    })();
    expect(error?.issues).toStrictEqual([
      expect.objectContaining({
        message: 'not valid JSON at line 3, column 24: unexpected "}"',
        excerpt: '3 |   "server": {"port": 1,}\n  |                        ^',
      }),
    ]);
    expect(error?.message).not.toContain('sk-secret-1');
  });

  it('reports unset variables, schema errors and unknown providers in one pass', () => {
    write(
      'switchyard.yaml',
      [
        'server:',
        '  prot: 80',
        'providers:',
        '  up:',
        '    type: anthropic',
        '    apiKey: ${MISSING_KEY}',
        'models:',
        '  smart:',
        '    strategy: random',
        '    deployments: [nope/x, up/claude]',
      ].join('\n'),
    );
    const issues = issuesOf(() => loadConfig({ env: {}, cwd: dir }));
    expect(issues.map((i) => `${i.path}: ${i.message}`)).toStrictEqual([
      'providers.up.apiKey: environment variable MISSING_KEY is not set',
      'server.prot: unknown key',
      expect.stringMatching(/^models\.smart\.strategy: the string "random" is not allowed/),
      'models.smart.deployments[0].provider: provider "nope" is not configured',
    ]);
  });

  it('says a bare string deployment needs its provider, not that strings are not allowed', () => {
    write('switchyard.yaml', 'models:\n  smart:\n    deployments: [echo]\n');
    expect(issuesOf(() => loadConfig({ env: {}, cwd: dir }))).toStrictEqual([
      {
        path: 'models.smart.deployments[0]',
        message: '"echo" names no provider: a deployment written as a string is "provider/model"',
        fix: 'write "<provider>/echo", or { provider: ..., model: ... }',
      },
    ]);
  });

  it('says so when an explicit config file is missing', () => {
    const issues = issuesOf(() => loadConfig({ path: 'nope.yaml', env: {}, cwd: dir }));
    expect(issues[0]?.message).toBe(`config file ${join(dir, 'nope.yaml')} does not exist`);
  });

  it('merges a declared provider with the env provider of the same name', () => {
    write('switchyard.yaml', 'providers:\n  openai:\n    type: openai-compatible\n    models: [gpt-4o]\n');
    const config = loadConfig({ env: { OPENAI_API_KEY: 'sk-env' }, cwd: dir });
    expect(config.providers.find((p) => p.name === 'openai')).toMatchObject({
      apiKey: 'sk-env',
      preset: 'openai',
      models: ['gpt-4o'],
      origin: 'file',
    });
  });
});

describe('telemetry', () => {
  const json = (config: unknown) => write('switchyard.json', JSON.stringify(config));

  it('is off by default, and captures no content unless told', () => {
    expect(loadConfig({ env: {}, cwd: dir }).telemetry).toEqual({ otlp: undefined, captureContent: false });
  });

  it('exports to <telemetry.otlp.endpoint>/v1/traces, with its headers', () => {
    const path = json({
      telemetry: {
        otlp: { endpoint: 'http://collector:4318/', headers: { authorization: 'Bearer t' } },
        captureContent: true,
      },
    });
    const config = loadConfig({ path, env: {}, cwd: dir });
    expect(config.telemetry).toEqual({
      otlp: { url: 'http://collector:4318/v1/traces', headers: { authorization: 'Bearer t' } },
      captureContent: true,
    });
    // `config check --json` hides the header values (collector credentials).
    expect(redactedConfig(config)).toMatchObject({
      telemetry: { otlp: { headers: { authorization: REDACTED } } },
    });
  });

  it('lets OTEL_EXPORTER_OTLP_(TRACES_)ENDPOINT turn it on and win over the file; OTEL_SDK_DISABLED turns it off', () => {
    const path = json({ telemetry: { otlp: { endpoint: 'http://collector:4318' } } });
    for (const name of ['OTEL_EXPORTER_OTLP_ENDPOINT', 'OTEL_EXPORTER_OTLP_TRACES_ENDPOINT']) {
      expect(loadConfig({ env: { [name]: 'http://127.0.0.1:4318' }, cwd: dir }).telemetry.otlp).toEqual({
        url: undefined, // the exporter reads the variables itself
        headers: {},
      });
      expect(
        loadConfig({ path, env: { [name]: 'http://127.0.0.1:4318' }, cwd: dir }).telemetry.otlp?.url,
      ).toBeUndefined();
    }
    const off = { OTEL_SDK_DISABLED: 'true', OTEL_EXPORTER_OTLP_ENDPOINT: 'http://127.0.0.1:4318' };
    expect(loadConfig({ path, env: off, cwd: dir }).telemetry.otlp).toBeUndefined();
  });

  it('rejects an endpoint that is not an http(s) URL, naming where it came from', () => {
    expect(
      issuesOf(() => loadConfig({ env: { OTEL_EXPORTER_OTLP_ENDPOINT: 'collector:4318' }, cwd: dir })),
    ).toEqual([expect.objectContaining({ path: 'env.OTEL_EXPORTER_OTLP_ENDPOINT' })]);
    const path = json({ telemetry: { otlp: { endpoint: 'grpc://collector:4317' } } });
    expect(issuesOf(() => loadConfig({ path, env: {}, cwd: dir }))).toEqual([
      expect.objectContaining({ path: 'telemetry.otlp.endpoint' }),
    ]);
  });
});
