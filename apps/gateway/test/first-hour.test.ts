import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type RunningGateway, removeDir, runCli, startGateway, tempDir } from './support/gateway-process.js';

// What a new user trips over in the first hour (issue 19, items 1 and 6), against a real process.
// `broken` is a provider whose upstream port is closed: no real provider can run here.
const config = {
  providers: { broken: { type: 'openai-compatible', baseURL: 'http://127.0.0.1:9/v1', models: ['m'] } },
  models: {
    smart: { deployments: ['broken/m', 'simulator/echo'], aliases: ['gpt-4o'] },
  },
  routing: { retries: 0 },
};

async function errorOf(response: Response) {
  const body = (await response.json()) as { error: { message: string; code: string; request_id?: string } };
  return { status: response.status, header: response.headers.get('x-request-id'), ...body.error };
}

describe('the first hour', () => {
  let gateway: RunningGateway;
  beforeAll(async () => {
    gateway = await startGateway({ config });
  });
  afterAll(async () => {
    await gateway.stop();
    removeDir(gateway.dataDir);
  });

  const chat = (model: string, init: { key?: string | null; headers?: Record<string, string> } = {}) =>
    gateway.fetch('/v1/chat/completions', {
      method: 'POST',
      body: JSON.stringify({ model, messages: [{ role: 'user', content: 'Hello!' }] }),
      ...init,
    });

  it('a fallback to a deployment written as /v1/models lists it (simulator/echo) happens, by name and alias', async () => {
    for (const model of ['smart', 'gpt-4o']) {
      const response = await chat(model);
      expect(response.status, `${model}: ${await response.clone().text()}`).toBe(200);
      expect(response.headers.get('x-switchyard-deployment')).toBe('simulator/echo');
    }
  });

  it('a typo in a model id is told the full id it sent and the nearest ids', async () => {
    const error = await errorOf(await chat('simulator/ecko'));
    expect(error).toMatchObject({ status: 404, code: 'model_not_found' });
    expect(error.message).toBe(
      "The model 'simulator/ecko' does not exist or you do not have access to it. Did you mean 'simulator/echo' or 'simulator/embed'?",
    );
  });

  it('a key sent without "Bearer", and a revoked key, are told so', async () => {
    const noScheme = await errorOf(
      await chat('smart', { key: null, headers: { authorization: gateway.adminKey } }),
    );
    expect(noScheme.status).toBe(401);
    expect(noScheme.message).toBe(
      'The Authorization header has a key but no "Bearer" scheme: send it as "Authorization: Bearer <key>".',
    );
    const created = (await (
      await gateway.fetch('/admin/keys', { method: 'POST', body: JSON.stringify({ name: 'soon-revoked' }) })
    ).json()) as { id: string; secret: string };
    expect((await gateway.fetch(`/admin/keys/${created.id}`, { method: 'DELETE' })).status).toBe(200);
    const revoked = await errorOf(await chat('smart', { key: created.secret }));
    expect(revoked).toMatchObject({
      status: 401,
      message: 'This API key was revoked: ask an admin for a new one.',
    });
  });

  it('every error carries a request id: unknown routes, and the 401/403 of /v1/usage and /admin', async () => {
    const user = (await (
      await gateway.fetch('/admin/keys', { method: 'POST', body: JSON.stringify({ name: 'user' }) })
    ).json()) as { secret: string };
    const errors = [
      await errorOf(await gateway.fetch('/v1/nothing-here')),
      await errorOf(await gateway.fetch('/v1/usage', { key: 'sk-sy-wrong-key-0000000000' })),
      await errorOf(await gateway.fetch('/admin/keys', { key: null })),
      await errorOf(await gateway.fetch('/admin/keys', { key: user.secret })),
    ];
    expect(errors.map((e) => e.status)).toStrictEqual([404, 401, 401, 403]);
    for (const error of errors) {
      expect(error.request_id).toMatch(/^req_/);
      expect(error.header).toBe(error.request_id);
    }
  });
});

describe('config check on a deployment its provider does not serve', () => {
  it('says so, with the ids the provider serves', async () => {
    const dir = tempDir();
    const { writeFileSync } = await import('node:fs');
    const path = `${dir}/switchyard.json`;
    writeFileSync(path, JSON.stringify({ models: { smart: { deployments: ['simulator/ech'] } } }));
    const check = await runCli(['config', 'check', '--config', path]);
    expect(check.code).toBe(0);
    expect(check.stderr).toContain(
      'warning: models.smart.deployments[0]: "simulator/ech" is not a model its provider serves; it serves: simulator/echo',
    );
    expect(check.stdout).toContain('with 1 warning (above)');
    removeDir(dir);
  });
});
