import { spawnSync } from 'node:child_process';
import { existsSync, writeFileSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  GATEWAY_DIR,
  type RunningGateway,
  removeDir,
  runCli,
  startGateway,
  tempDir,
} from './support/gateway-process.js';

const chat = (model = 'simulator/echo', extra: Record<string, unknown> = {}) =>
  JSON.stringify({ model, messages: [{ role: 'user', content: 'Hello gateway' }], ...extra });

describe('zero-config start (a real process)', () => {
  let gateway: RunningGateway;
  beforeAll(async () => {
    gateway = await startGateway({ env: { TOKEN360_API_KEY: 'upstream-secret-token360-abcdef' } });
  });
  afterAll(async () => {
    await gateway.stop();
    removeDir(gateway.dataDir);
  });

  it('prints the new admin key once, the playground status and a curl line that works as printed', async () => {
    const banner = gateway.stderr();
    expect(banner).toContain(`Switchyard gateway listening on ${gateway.url}`);
    expect(banner).toMatch(/Admin key \(created now and shown ONCE/);
    expect(banner).toContain(`-H "Authorization: Bearer ${gateway.adminKey}"`);
    expect(banner).toMatch(/Playground: {2}/);
    // The command that works from this repository, with the --data-dir this start was given.
    expect(banner).toContain(`pnpm exec switchyard keys create --name my-app --data-dir ${gateway.dataDir}`);
    const body = /-d '(.+)'/.exec(banner)?.[1];
    const response = await gateway.fetch('/v1/chat/completions', { method: 'POST', body: body! });
    expect(response.status).toBe(200);
    expect(
      ((await response.json()) as { choices: { message: { content: string } }[] }).choices[0]?.message
        .content,
    ).toBe('Hello!');
  });

  it('serves the simulator models and enables providers from env keys', async () => {
    const models = (await (await gateway.fetch('/v1/models')).json()) as { data: { id: string }[] };
    expect(models.data.map((m) => m.id)).toEqual(
      expect.arrayContaining(['simulator/echo', 'simulator/thinker']),
    );
    const ready = (await (await gateway.fetch('/readyz', { key: null })).json()) as {
      providers: { provider: string }[];
    };
    expect(ready.providers.map((p) => p.provider)).toEqual(['token360', 'simulator']);
  });

  it('says which deployment served a response and how long the gateway itself added', async () => {
    const response = await gateway.fetch('/v1/chat/completions', { method: 'POST', body: chat() });
    expect(response.headers.get('x-switchyard-deployment')).toBe('simulator/echo');
    expect(response.headers.get('x-switchyard-overhead-ms')).toMatch(/^\d+\.\d{2}$/);
    expect(response.headers.get('x-request-id')).toMatch(/.+/);
    const stream = await gateway.fetch('/v1/chat/completions', {
      method: 'POST',
      body: chat('simulator/echo', { stream: true }),
    });
    expect(stream.headers.get('content-type')).toMatch(/^text\/event-stream/);
    expect(stream.headers.get('x-switchyard-deployment')).toBe('simulator/echo');
    expect(stream.headers.get('x-switchyard-overhead-ms')).toMatch(/^\d+\.\d{2}$/);
    expect(await stream.text()).toMatch(/data: \[DONE\]\n\n$/);
  });

  it('adds usage.cost to answers', async () => {
    const response = await gateway.fetch('/v1/chat/completions', { method: 'POST', body: chat() });
    const body = (await response.json()) as { usage: { cost: number; total_tokens: number } };
    expect(body.usage.total_tokens).toBeGreaterThan(0);
    expect(body.usage.cost).toBe(0);
  });

  it('answers protocol errors for a bad key, an unknown model, an unknown route', async () => {
    const badKey = await gateway.fetch('/v1/chat/completions', {
      method: 'POST',
      body: chat(),
      key: 'sk-sy-wrong',
    });
    expect(badKey.status).toBe(401);
    expect(((await badKey.json()) as { error: { code: string } }).error.code).toBe('invalid_api_key');
    const unknown = await gateway.fetch('/v1/chat/completions', {
      method: 'POST',
      body: chat('no-such-model'),
    });
    expect(unknown.status).toBe(404);
    expect(((await unknown.json()) as { error: { code: string; param: string } }).error).toMatchObject({
      code: 'model_not_found',
      param: 'model',
    });
    const route = await gateway.fetch('/v1/nothing');
    expect(route.status).toBe(404);
    expect(((await route.json()) as { error: { type: string } }).error.type).toBe('not_found_error');
  });

  it('serves /healthz, /readyz, /metrics and an /openapi.json that documents the admin API', async () => {
    expect(await (await gateway.fetch('/healthz', { key: null })).json()).toEqual({ status: 'ok' });
    const metrics = await gateway.fetch('/metrics', { key: null });
    expect(metrics.headers.get('content-type')).toMatch(/^text\/plain; version=0\.0\.4/);
    const text = await metrics.text();
    expect(text).toMatch(/^switchyard_requests_total\{[^}]*model="simulator\/echo"[^}]*\} \d+$/m);
    expect(text).toMatch(/^switchyard_gateway_overhead_seconds_count \d+$/m);
    const doc = (await (await gateway.fetch('/openapi.json', { key: null })).json()) as {
      openapi: string;
      paths: Record<string, unknown>;
    };
    expect(doc.openapi).toBe('3.1.0');
    expect(Object.keys(doc.paths)).toEqual(
      expect.arrayContaining([
        '/v1/chat/completions',
        '/v1/messages',
        '/v1/messages/count_tokens',
        '/v1/models',
        '/v1/responses',
        '/v1/responses/{id}',
        '/v1/responses/{id}/input_items',
        '/v1/embeddings',
        '/admin/keys',
        '/v1/usage',
        '/healthz',
        '/metrics',
      ]),
    );
    const refs = [...JSON.stringify(doc).matchAll(/"\$ref":"#\/([^"]+)"/g)].map((m) => m[1]!);
    const missing = refs.filter(
      (ref) =>
        ref.split('/').reduce<unknown>((node, part) => (node as Record<string, unknown>)?.[part], doc) ===
        undefined,
    );
    expect(missing).toEqual([]);
  });

  it('never writes the admin key or an upstream key to its logs', async () => {
    await gateway.fetch('/v1/chat/completions', { method: 'POST', body: chat(), key: gateway.adminKey });
    await gateway.fetch('/v1/chat/completions', {
      method: 'POST',
      body: chat(),
      key: 'sk-sy-this-key-is-wrong-123456',
    });
    const logs = gateway.stdout();
    expect(logs).toContain('request finished');
    expect(logs).not.toContain(gateway.adminKey);
    expect(logs).not.toContain('upstream-secret-token360-abcdef');
    expect(logs).not.toContain('this-key-is-wrong');
    for (const line of logs.trim().split('\n')) expect(() => JSON.parse(line)).not.toThrow();
  });

  it('restarts on its data dir without printing a key again; SWITCHYARD_ADMIN_KEY adds a fixed admin key', async () => {
    expect(await gateway.stop()).toBe(0);
    const fixed = 'sk-sy-automation-admin-key-0123456789';
    const second = await startGateway({ dataDir: gateway.dataDir, env: { SWITCHYARD_ADMIN_KEY: fixed } });
    try {
      expect(second.stderr()).not.toContain('Admin key (created now');
      expect(second.stderr()).toContain('not shown again. Lost it? Make another:');
      expect(second.stderr()).toContain(
        `pnpm exec switchyard keys create --name admin --admin --data-dir ${gateway.dataDir}`,
      );
      expect(second.stderr()).toContain('Bearer $SWITCHYARD_API_KEY');
      expect((await second.fetch('/v1/models', { key: gateway.adminKey })).status).toBe(200);
      expect((await second.fetch('/admin/keys', { key: fixed })).status).toBe(200);
    } finally {
      await second.stop();
    }
  });
});

describe('a first start that fails', () => {
  it('does not use up the admin key: the next start that listens shows it', async () => {
    const busy = createServer();
    await new Promise<void>((resolve) => busy.listen(0, '127.0.0.1', resolve));
    const { port } = busy.address() as AddressInfo;
    const dataDir = tempDir();
    try {
      const failed = await runCli([
        'start',
        '--port',
        String(port),
        '--host',
        '127.0.0.1',
        '--data-dir',
        dataDir,
      ]);
      expect(failed.code).toBe(1);
      expect(failed.stderr).toContain(`Port ${port} on 127.0.0.1 is in use`);
      expect(failed.stderr).not.toContain('sk-sy-');
    } finally {
      busy.close();
    }
    const next = await startGateway({ dataDir });
    try {
      expect(next.stderr()).toMatch(/Admin key \(created now and shown ONCE/);
      expect((await next.fetch('/admin/keys')).status).toBe(200);
    } finally {
      await next.stop();
      removeDir(dataDir);
    }
  });
});

describe('the switchyard command in this repository', () => {
  const built = existsSync(join(GATEWAY_DIR, 'dist/cli.js'));
  it.skipIf(!built)(
    `runs as \`pnpm exec switchyard\`, the form the banner prints${built ? '' : ' (skipped: apps/gateway is not built; pnpm build)'}`,
    () => {
      const help = spawnSync('pnpm', ['exec', 'switchyard', '--help'], {
        cwd: GATEWAY_DIR,
        encoding: 'utf8',
      });
      expect(help.status, help.stderr).toBe(0);
      expect(help.stdout).toMatch(/^Usage: switchyard <command>/);
    },
  );
});

describe('configuration errors', () => {
  it('refuses a bad config file with the path and the fix, exit code 2', async () => {
    const dir = tempDir();
    const bad = `${dir}/switchyard.json`;
    writeFileSync(
      bad,
      JSON.stringify({ routing: { retries: 'many' }, models: { x: { deployments: ['openai/gpt-4o'] } } }),
    );
    const invalid = await runCli(['config', 'check', '--config', bad]);
    expect(invalid.code).toBe(2);
    expect(invalid.stderr).toContain(`Invalid configuration in ${bad}`);
    expect(invalid.stderr).toContain('routing.retries: expected number, found the string "many"');
    expect(invalid.stderr).toContain(
      'fix: set OPENAI_API_KEY in the environment, or declare providers.openai',
    );
    removeDir(dir);
  });
});
