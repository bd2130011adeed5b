import { createHash } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { tempDir } from '../../apps/gateway/test/support/gateway-process.js';
import { FaultUpstream } from './support/fault-upstream.js';
import {
  ADMIN_KEY,
  assertHealthy,
  createKey,
  metric,
  type RunningGateway,
  removeDir,
  startGateway,
} from './support/harness.js';

/**
 * Security properties of a running gateway: who may call what, limits on request shape, CORS
 * and browser headers, and logs free of key material after a full run.
 */

const PROVIDER_SECRET = 'sk-test-secret-token360-9f8e7d6c5b4a39281706';
const WRONG_KEY = 'sk-sy-not-a-real-key-00000000000000000000000000';
const INLINE_SCRIPT = "document.documentElement.dataset.theme = 'light';";
let upstream: FaultUpstream;
let gateway: RunningGateway;
let playground: string;
/** Every secret this run handled; none may appear in the logs. */
const secrets: string[] = [ADMIN_KEY, PROVIDER_SECRET, WRONG_KEY];

beforeAll(async () => {
  upstream = await new FaultUpstream().start();
  playground = tempDir('switchyard-playground-');
  mkdirSync(join(playground, 'assets'));
  writeFileSync(
    join(playground, 'index.html'),
    `<!doctype html><html><head><script>${INLINE_SCRIPT}</script></head><body><script type="module" src="/assets/app.js"></script></body></html>`,
  );
  writeFileSync(join(playground, 'assets', 'app.js'), 'console.log("playground");');
  gateway = await startGateway({
    env: {
      SWITCHYARD_ADMIN_KEY: ADMIN_KEY,
      TOKEN360_API_KEY: PROVIDER_SECRET,
      TOKEN360_BASE_URL: upstream.baseURL,
      SWITCHYARD_LOG_LEVEL: 'trace',
    },
    config: {
      server: { playground },
      limits: { maxMessages: 8, maxTools: 2 },
      routing: { retries: 0 },
    },
  });
});

afterAll(async () => {
  await gateway?.stop();
  await upstream?.close();
  if (gateway) removeDir(gateway.dataDir);
  if (playground) removeDir(playground);
});

function chat(key: string | null, body: Record<string, unknown>): Promise<Response> {
  return gateway.fetch('/v1/chat/completions', {
    key,
    method: 'POST',
    body: JSON.stringify({ messages: [{ role: 'user', content: 'hi' }], ...body }),
  });
}

async function errorOf(response: Response): Promise<{ status: number; code: string; param: string | null }> {
  const body = (await response.json()) as { error: { code: string; param: string | null; message: string } };
  expect(body.error.message).toEqual(expect.any(String));
  return { status: response.status, code: body.error.code, param: body.error.param };
}

async function newKey(body: Record<string, unknown>): Promise<{ id: string; secret: string }> {
  const response = await gateway.fetch('/admin/keys', { method: 'POST', body: JSON.stringify(body) });
  expect(response.status).toBe(201);
  const created = (await response.json()) as { id: string; secret: string };
  secrets.push(created.secret);
  return created;
}

describe('the admin API', () => {
  const routes: [string, string][] = [
    ['GET', '/admin/keys'],
    ['POST', '/admin/keys'],
    ['GET', '/admin/usage'],
  ];

  it.each(routes)(
    '%s %s: 401 without a key, 401 with a wrong key, 403 with a non-admin key',
    async (method, path) => {
      const user = await createKey(gateway, { name: `user for ${method} ${path}` });
      secrets.push(user);
      const body = method === 'POST' ? JSON.stringify({ name: 'sneaky', is_admin: true }) : undefined;
      const call = (key: string | null) => gateway.fetch(path, { key, method, ...(body ? { body } : {}) });
      expect(await errorOf(await call(null))).toMatchObject({ status: 401, code: 'invalid_api_key' });
      expect(await errorOf(await call(WRONG_KEY))).toMatchObject({ status: 401, code: 'invalid_api_key' });
      expect(await errorOf(await call(user))).toMatchObject({ status: 403, code: 'permission_denied' });
      const keys = (await (await gateway.fetch('/admin/keys')).json()) as { data: { name: string }[] };
      expect(keys.data.map((k) => k.name)).not.toContain('sneaky');
    },
  );

  it('refuses key creation by a non-admin key even when it asks for admin rights', async () => {
    const user = await createKey(gateway, { name: 'escalator' });
    secrets.push(user);
    const response = await gateway.fetch('/admin/keys', {
      key: user,
      method: 'POST',
      body: JSON.stringify({ name: 'root', is_admin: true }),
    });
    expect(response.status).toBe(403);
  });
});

describe('API keys', () => {
  it('a key scoped to one model cannot reach another, nor see it listed, nor tell it exists', async () => {
    const { secret } = await newKey({ name: 'echo only', allowed_models: ['simulator/echo'] });
    expect((await chat(secret, { model: 'simulator/echo' })).status).toBe(200);
    // The same answer as for a model that does not exist.
    for (const model of ['simulator/thinker', 'no-such-model'])
      expect(await errorOf(await chat(secret, { model }))).toEqual({
        status: 404,
        code: 'model_not_found',
        param: 'model',
      });
    expect((await errorOf(await chat(secret, { model: 'token360/ok' }))).status).toBe(404);
    expect(upstream.hitsOf('ok')).toBe(0);
    const models = (await (await gateway.fetch('/v1/models', { key: secret })).json()) as {
      data: { id: string }[];
    };
    expect(models.data.map((m) => m.id)).toEqual(['simulator/echo']);
    expect((await gateway.fetch('/v1/models/simulator/thinker', { key: secret })).status).toBe(404);
  });

  it('revocation takes effect on the very next request', async () => {
    const { id, secret } = await newKey({ name: 'short-lived' });
    expect((await chat(secret, { model: 'simulator/echo' })).status).toBe(200);
    expect((await gateway.fetch(`/admin/keys/${id}`, { method: 'DELETE' })).status).toBe(200);
    expect(await errorOf(await chat(secret, { model: 'simulator/echo' }))).toMatchObject({
      status: 401,
      code: 'invalid_api_key',
    });
    expect((await gateway.fetch('/v1/usage', { key: secret })).status).toBe(401);
  });

  it('an expired key is refused', async () => {
    const { secret } = await newKey({ name: 'expired', expires_at: Date.now() - 1_000 });
    expect((await chat(secret, { model: 'simulator/echo' })).status).toBe(401);
  });
});

describe('CORS', () => {
  it('is off for /admin: no access-control-allow-origin for a cross-origin caller', async () => {
    const origin = { origin: 'https://evil.example' };
    const preflight = await gateway.fetch('/admin/keys', {
      key: null,
      method: 'OPTIONS',
      headers: {
        ...origin,
        'access-control-request-method': 'GET',
        'access-control-request-headers': 'authorization',
      },
    });
    expect(preflight.headers.get('access-control-allow-origin')).toBeNull();
    expect(preflight.headers.get('access-control-allow-headers')).toBeNull();
    const read = await gateway.fetch('/admin/keys', { headers: origin });
    expect(read.headers.get('access-control-allow-origin')).toBeNull();
    const usage = await gateway.fetch('/admin/usage', { headers: origin });
    expect(usage.headers.get('access-control-allow-origin')).toBeNull();
  });
});

describe('limits on request shape', () => {
  const many = (n: number) => Array.from({ length: n }, (_, i) => ({ role: 'user', content: `m${i}` }));
  const tool = (name: string) => ({ type: 'function', function: { name, parameters: { type: 'object' } } });

  it('messages beyond limits.maxMessages get 400 on `messages`, counted', async () => {
    const before = await metric(gateway, 'switchyard_rejections_total', { reason: 'invalid_request' });
    expect((await chat(ADMIN_KEY, { model: 'simulator/echo', messages: many(8) })).status).toBe(200);
    expect(await errorOf(await chat(ADMIN_KEY, { model: 'simulator/echo', messages: many(9) }))).toEqual({
      status: 400,
      code: 'invalid_request',
      param: 'messages',
    });
    expect(await metric(gateway, 'switchyard_rejections_total', { reason: 'invalid_request' })).toBe(
      before + 1,
    );
  });

  it('tools beyond limits.maxTools get 400 on `tools`', async () => {
    expect((await chat(ADMIN_KEY, { model: 'simulator/echo', tools: [tool('a'), tool('b')] })).status).toBe(
      200,
    );
    expect(
      await errorOf(
        await chat(ADMIN_KEY, { model: 'simulator/echo', tools: [tool('a'), tool('b'), tool('c')] }),
      ),
    ).toEqual({ status: 400, code: 'invalid_request', param: 'tools' });
  });

  it('oversized request headers get 431 and the gateway keeps serving', async () => {
    const response = await gateway.fetch('/v1/models', { headers: { 'x-padding': 'p'.repeat(32 * 1024) } });
    expect(response.status).toBe(431);
    await assertHealthy(gateway, 'simulator/echo');
  });
});

describe('playground responses', () => {
  it.each(['/', '/assets/app.js', '/some/client/route'])('%s carries the security headers', async (path) => {
    const response = await gateway.fetch(path, { key: null });
    expect(response.status).toBe(200);
    await response.arrayBuffer();
    expect(response.headers.get('x-content-type-options')).toBe('nosniff');
    expect(response.headers.get('referrer-policy')).toBe('no-referrer');
    expect(response.headers.get('x-frame-options')).toBe('DENY');
    const csp = response.headers.get('content-security-policy') ?? '';
    expect(csp).toContain("frame-ancestors 'none'");
    expect(csp).toContain("object-src 'none'");
    expect(csp).not.toMatch(/script-src[^;]*unsafe-inline/);
    // The inline theme script of index.html is allowed by its hash, and only it.
    const hash = createHash('sha256').update(INLINE_SCRIPT).digest('base64');
    expect(csp).toMatch(new RegExp(`script-src 'self' 'sha256-${hash.replace(/[+/]/g, '\\$&')}';`));
  });
});

describe('logs', () => {
  it('a full run logs no key material: admin key, created keys, wrong keys, provider secrets', async () => {
    // Traffic that touches every secret: the provider key upstream, failures, admin calls.
    const answered = await chat(ADMIN_KEY, { model: 'token360/ok' });
    expect(answered.status).toBe(200);
    expect(upstream.lastAuthorization).toBe(`Bearer ${PROVIDER_SECRET}`);
    expect((await chat(ADMIN_KEY, { model: 'token360/server-error' })).status).toBe(500);
    expect((await chat(WRONG_KEY, { model: 'simulator/echo' })).status).toBe(401);
    const { secret } = await newKey({ name: 'logged?' });
    expect((await chat(secret, { model: 'simulator/echo', stream: true })).status).toBe(200);
    expect(await gateway.stop()).toBe(0);

    const logs = `${gateway.stdout()}\n${gateway.stderr()}`;
    expect(logs).toContain('request finished');
    for (const key of secrets) {
      expect(logs).not.toContain(key);
      // Nor a recognisable part of it, nor its stored hash.
      expect(logs).not.toContain(key.slice(-16));
      expect(logs).not.toContain(createHash('sha256').update(key).digest('hex'));
    }
  });
});
