import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { main } from '../src/cli/main.js';
import { DATABASE_FILE } from '../src/config/resolve-config.js';
import { openSqliteStore } from '../src/ledger/sqlite-store.js';
import { removeDir, startGateway, tempDir } from './support/gateway-process.js';
import { ledgerRow } from './support/ledger-rows.js';

/**
 * Runs the CLI's `main` in this process with captured output and a clean environment: the same
 * code path as the `switchyard` binary minus the Node start-up (a real process per command costs
 * a second of CPU under tsx). start.test.ts runs the binary itself as a process.
 */
async function runCli(args: readonly string[], env: Record<string, string> = {}) {
  let stdout = '';
  let stderr = '';
  const code = await main(args, {
    out: (text) => {
      stdout += text;
    },
    err: (text) => {
      stderr += text;
    },
    env,
  });
  return { code, stdout, stderr };
}

describe('switchyard CLI on a data dir', () => {
  it('keys create prints the key once; keys list never shows secrets; keys revoke revokes', async () => {
    const dataDir = tempDir();
    const created = await runCli([
      ...['keys', 'create', '--name', 'search-app', '--models', 'simulator/echo,simulator/thinker'],
      ...['--rpm', '60', '--budget', '2.5', '--period', 'day', '--expires', '30d', '--meta', 'team=search'],
      ...['--json', '--data-dir', dataDir],
    ]);
    expect(created.code, created.stderr).toBe(0);
    // The first command on a fresh data dir creates the admin key, and says so once.
    expect(created.stderr).toMatch(/Created the admin key \(shown once, store it now\): sk-sy-/);
    const key = JSON.parse(created.stdout) as { id: string; secret: string };
    expect(key.secret).toMatch(/^sk-sy-[A-Za-z0-9_-]{43}$/);
    expect(key).toMatchObject({
      allowed_models: ['simulator/echo', 'simulator/thinker'],
      rpm: 60,
      budget_usd: 2.5,
      metadata: { team: 'search' },
    });

    const listed = await runCli(['keys', 'list', '--data-dir', dataDir]);
    expect(listed.code, listed.stderr).toBe(0);
    expect(listed.stderr).toBe('');
    expect(listed.stdout).toMatch(/^ID\s+NAME\s+PREFIX\s+ADMIN/);
    expect(listed.stdout).toContain('search-app');
    expect(listed.stdout).toContain('$2.5/day');
    expect(listed.stdout).not.toContain(key.secret);

    const revoked = await runCli(['keys', 'revoke', key.id, '--json', '--data-dir', dataDir]);
    expect(revoked.code, revoked.stderr).toBe(0);
    expect((JSON.parse(revoked.stdout) as { id: string; revoked_at: string }).revoked_at).toMatch(/^\d{4}-/);
    removeDir(dataDir);
  });

  it('refuses bad flags with the reason and exit code 2, and unknown ids with exit code 1', async () => {
    const dataDir = tempDir();
    const [bad, unknown] = await Promise.all([
      runCli(['keys', 'create', '--name', 'x', '--rpm', 'lots', '--data-dir', dataDir]),
      runCli(['keys', 'revoke', 'key_nope', '--data-dir', dataDir]),
    ]);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('--rpm: expected a positive integer, got "lots"');
    expect(unknown.code).toBe(1);
    expect(unknown.stderr).toContain("No API key with id 'key_nope'");
    removeDir(dataDir);
  });

  it('takes each setting from the flag, else the environment, else the file (docs/config.md)', async () => {
    const dir = tempDir();
    const config = join(dir, 'switchyard.json');
    writeFileSync(
      config,
      JSON.stringify({ server: { host: '127.0.0.11', port: 1111, dataDir: 'from-file' } }),
    );
    const env = { HOST: '127.0.0.22', PORT: '2222', SWITCHYARD_DATA_DIR: join(dir, 'from-env') };
    const flags = ['--host', '127.0.0.33', '--port', '3333', '--data-dir', join(dir, 'from-flag')];
    const server = async (args: readonly string[], environment: Record<string, string>) => {
      const check = await runCli(['config', 'check', '--json', '--config', config, ...args], environment);
      expect(check.code, check.stderr).toBe(0);
      const { host, port, dataDir } = (JSON.parse(check.stdout) as { server: Record<string, unknown> })
        .server;
      return { host, port, dataDir };
    };
    const [all, envAndFile, fileOnly] = await Promise.all([
      server(flags, env),
      server([], env),
      server([], {}),
    ]);
    expect(all).toEqual({ host: '127.0.0.33', port: 3333, dataDir: join(dir, 'from-flag') });
    expect(envAndFile).toEqual({ host: '127.0.0.22', port: 2222, dataDir: join(dir, 'from-env') });
    expect(fileOnly).toEqual({ host: '127.0.0.11', port: 1111, dataDir: join(dir, 'from-file') });
    removeDir(dir);
  });

  it('usage reports totals from the ledger; config check shows what a config resolves to', async () => {
    const dataDir = tempDir();
    const config = join(dataDir, 'switchyard.yaml');
    writeFileSync(
      config,
      [
        'providers:',
        '  local:',
        '    type: openai-compatible',
        '    baseURL: http://127.0.0.1:11434/v1',
        // biome-ignore lint/suspicious/noTemplateCurlyInString: the config syntax under test.
        '    apiKey: ${LOCAL_KEY:-none-needed-here}',
        'models:',
        '  smart:',
        '    strategy: weighted',
        '    deployments: [local/llama3, { provider: simulator, model: simulator/echo, weight: 3 }]',
      ].join('\n'),
    );
    const [usage, check] = await Promise.all([
      runCli(['usage', '--since', '7d', '--data-dir', dataDir]),
      runCli(['config', 'check', '--config', config], { ANTHROPIC_API_KEY: 'sk-ant-secret-value-123' }),
    ]);
    expect(usage.code, usage.stderr).toBe(0);
    expect(usage.stdout).toMatch(/TOTAL\s+0\s+0\s+0\s+0\s+\$0\.000000000/);
    expect(check.code, check.stderr).toBe(0);
    expect(check.stdout).toContain(`Configuration OK (${config})`);
    expect(check.stdout).toMatch(
      /local\s+openai-compatible\s+file\s+http:\/\/127\.0\.0\.1:11434\/v1\s+set\s+\(discovered\)/,
    );
    expect(check.stdout).toMatch(/anthropic\s+anthropic\s+env/);
    expect(check.stdout).toMatch(/smart\s+weighted\s+local\/llama3×1, simulator\/echo×3/);
    expect(check.stdout).not.toContain('sk-ant-secret-value-123');
    expect(check.stdout).not.toContain('none-needed-here');
    removeDir(dataDir);
  });

  it('usage sums costs exactly: four requests at $0.0000121 make $0.000048400 (issue 19.7)', async () => {
    const dataDir = tempDir();
    const store = openSqliteStore(join(dataDir, DATABASE_FILE));
    for (let i = 0; i < 4; i++)
      await store.appendLedger(ledgerRow({ ts: Date.now() - 1_000, cost: 0.0000121 }));
    store.close();
    const usage = await runCli(['usage', '--data-dir', dataDir]);
    expect(usage.code, usage.stderr).toBe(0);
    expect(usage.stdout).toMatch(/TOTAL\s+4\s+0\s+\d+\s+\d+\s+\$0\.000048400\n/);
    const json = await runCli(['usage', '--json', '--data-dir', dataDir]);
    expect(json.stdout).toContain('"cost": 0.0000484\n');
    removeDir(dataDir);
  });

  it('config check reports every problem of a config in one run: unset variables, schema, unknown providers', async () => {
    const dir = tempDir();
    const config = join(dir, 'switchyard.yaml');
    writeFileSync(
      config,
      [
        'providers:',
        '  up:',
        '    type: anthropic',
        // biome-ignore lint/suspicious/noTemplateCurlyInString: the config syntax under test.
        '    apiKey: ${UP_KEY}',
        'models:',
        '  smart:',
        '    strategy: fastest',
        '    deployments: [upp/claude]',
      ].join('\n'),
    );
    const check = await runCli(['config', 'check', '--config', config]);
    expect(check.code).toBe(2);
    expect(check.stderr).toContain('(3 problems)');
    expect(check.stderr).toContain('providers.up.apiKey: environment variable UP_KEY is not set');
    expect(check.stderr).toContain('models.smart.strategy: the string "fastest" is not allowed');
    expect(check.stderr).toContain('models.smart.deployments[0].provider: provider "upp" is not configured');
    writeFileSync(config, 'server:\n  port: 1\n  host: 127.0.0.1\n    dataDir: x\n');
    const syntax = await runCli(['config', 'check', '--config', config]);
    expect(syntax.stderr).toContain('YAML syntax error at line 4, column 5');
    expect(syntax.stderr).toContain('4 |     dataDir: x');
    removeDir(dir);
  });

  it('prices shows which price applies to each deployment and where it comes from (issue 20)', async () => {
    const dir = tempDir();
    const path = join(dir, 'switchyard.yaml');
    writeFileSync(
      path,
      [
        'providers:',
        '  claude: { type: anthropic, apiKey: sk-ant-test-0123456789, models: [claude-sonnet-4-5] }',
        '  token360: { type: openai-compatible, preset: token360, apiKey: test-key-0123456789, models: [glm-5.1] }',
        '  local: { type: openai-compatible, preset: vllm, models: [llama-3.3-70b] }',
        'models:',
        '  smart: { deployments: [claude/claude-sonnet-4-5, token360/glm-5.1] }',
        'prices:',
        '  token360:',
        '    glm-5.1: { input: 1, output: 3.2, cachedInput: 0.2 }',
      ].join('\n'),
    );
    const all = await runCli(['prices', '--config', path]);
    expect(all.code, all.stderr).toBe(0);
    expect(all.stdout).toMatch(/catalogue @pydantic\/genai-prices \d+\.\d+\.\d+/);
    const line = (deployment: string) => all.stdout.split('\n').find((l) => l.startsWith(deployment)) ?? '';
    // Anthropic's long-context tier and cache-write price, from the catalogue.
    expect(line('claude/claude-sonnet-4-5')).toMatch(
      /3 \(6 from 200000 tokens\).*3\.75 \(7\.5 from 200000 tokens\).*catalogue anthropic:claude-sonnet-4-5/,
    );
    expect(line('token360/glm-5.1')).toMatch(/1\s+0\.2\s+-\s+3\.2\s+config prices\.token360\.glm-5\.1$/);
    expect(line('local/llama-3.3-70b')).toContain('none: costs 0');

    const one = await runCli(['prices', 'gpt-4o', '--json', '--config', path]);
    expect(one.code, one.stderr).toBe(0);
    const report = JSON.parse(one.stdout) as {
      catalogue: { package: string; version: string };
      prices: { source: string; listed_as: { provider: string }; prices: Record<string, unknown> }[];
    };
    expect(report.catalogue).toEqual({
      package: '@pydantic/genai-prices',
      version: expect.stringMatching(/^\d/),
    });
    expect(report.prices).toMatchObject([
      { source: 'catalogue', listed_as: { provider: 'openai' }, prices: { input_mtok: expect.any(Number) } },
    ]);
    removeDir(dir);
  });

  it('keys create --models "" is refused (not an unrestricted key) and creates nothing', async () => {
    const dataDir = tempDir();
    for (const models of ['', ' , '])
      expect(
        await runCli(['keys', 'create', '--name', 'empty', '--models', models, '--data-dir', dataDir]),
      ).toMatchObject({
        code: 2,
        stdout: '',
        stderr: expect.stringContaining('--models is empty'),
      });
    const listed = await runCli(['keys', 'list', '--json', '--data-dir', dataDir]);
    expect((JSON.parse(listed.stdout) as { name: string }[]).map((k) => k.name)).not.toContain('empty');
    removeDir(dataDir);
  });

  it('config check hides passwords in URLs, credential query parameters and header values', async () => {
    const dataDir = tempDir();
    const config = join(dataDir, 'switchyard.json');
    writeFileSync(
      config,
      JSON.stringify({
        providers: {
          local: {
            type: 'openai-compatible',
            baseURL: 'http://user:url-password-1@127.0.0.1:11434/v1?api_key=query-secret-2&region=eu',
            headers: { authorization: 'Bearer header-secret-3' },
          },
        },
        storage: { url: 'postgres://switchyard:pg-secret-4@db.internal:5432/switchyard' },
        redis: { url: 'redis://:redis-secret-5@cache.internal:6379' },
      }),
    );
    const [json, text] = await Promise.all([
      runCli(['config', 'check', '--json', '--config', config]),
      runCli(['config', 'check', '--config', config]),
    ]);
    for (const run of [json, text]) {
      expect(run.code, run.stderr).toBe(0);
      for (const secret of [
        'url-password-1',
        'query-secret-2',
        'header-secret-3',
        'pg-secret-4',
        'redis-secret-5',
      ])
        expect(run.stdout).not.toContain(secret);
      expect(run.stdout).toContain('http://[redacted]@127.0.0.1:11434/v1?api_key=[redacted]&region=eu');
    }
    const resolved = JSON.parse(json.stdout) as {
      providers: { name: string; headers?: Record<string, string> }[];
      storage: { url: string };
      redis: { url: string };
    };
    expect(resolved.providers.find((p) => p.name === 'local')?.headers).toEqual({
      authorization: '[redacted]',
    });
    expect(resolved.storage.url).toBe('postgres://[redacted]@db.internal:5432/switchyard');
    expect(resolved.redis.url).toBe('redis://[redacted]@cache.internal:6379');
    removeDir(dataDir);
  });

  it('a key created from the CLI next to a running gateway works at once, and stops when revoked', async () => {
    const gateway = await startGateway({ dataDir: tempDir() });
    try {
      const created = await runCli([
        'keys',
        'create',
        '--name',
        'live',
        '--json',
        '--data-dir',
        gateway.dataDir,
      ]);
      expect(created.code, created.stderr).toBe(0);
      const { id, secret } = JSON.parse(created.stdout) as { id: string; secret: string };
      expect((await gateway.fetch('/v1/models', { key: secret })).status).toBe(200);
      expect((await runCli(['keys', 'revoke', id, '--data-dir', gateway.dataDir])).code).toBe(0);
      expect((await gateway.fetch('/v1/models', { key: secret })).status).toBe(401);
    } finally {
      await gateway.stop();
      removeDir(gateway.dataDir);
    }
  });
});
