import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { tempAccounting } from '../../test/support/temp-accounting.js';
import { handleAdmin, handleUsage } from './admin-api.js';

// A plain node:http server in front of the web-Request handlers, as the gateway mounts them.
let server: Server;
let base: string;
const t = tempAccounting();
const admin = t.accounting.bootstrap.adminKeyCreated as string;

beforeAll(async () => {
  server = createServer(async (req, res) => {
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    const request = new Request(`http://localhost${req.url}`, {
      method: req.method,
      headers: req.headers as Record<string, string>,
      ...(chunks.length ? { body: Buffer.concat(chunks) } : {}),
    });
    let response: Response;
    try {
      const principal = t.accounting.authenticate(req.headers.authorization?.replace(/^Bearer /, '') ?? null);
      response = req.url?.startsWith('/v1/usage')
        ? await handleUsage(t.accounting, request, principal)
        : await handleAdmin(t.accounting, request, principal);
    } catch (e) {
      const err = e as { status: number; toEnvelope(): unknown };
      response = Response.json(err.toEnvelope(), { status: err.status });
    }
    res.writeHead(response.status, Object.fromEntries(response.headers));
    res.end(Buffer.from(await response.arrayBuffer()));
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(async () => {
  await new Promise((r) => server.close(r));
  t.cleanup();
});

async function call(path: string, init: RequestInit & { key?: string } = {}) {
  const res = await fetch(base + path, {
    ...init,
    headers: { authorization: `Bearer ${init.key ?? admin}`, 'content-type': 'application/json' },
  });
  return { status: res.status, headers: res.headers, body: (await res.json()) as Record<string, unknown> };
}

describe('admin API over HTTP', () => {
  it('creates a key whose secret is shown once, then lists it without the secret', async () => {
    const created = await call('/admin/keys', {
      method: 'POST',
      body: JSON.stringify({ name: 'team-a', allowed_models: ['simulator/echo'], rpm: 60, budget_usd: 10 }),
    });
    expect(created.status).toBe(201);
    expect(created.body.secret).toMatch(/^sk-sy-/);
    expect(created.body).toMatchObject({ name: 'team-a', rpm: 60, budget_usd: 10, budget_period: 'month' });
    const list = await call('/admin/keys');
    const listed = (list.body.data as Record<string, unknown>[]).find((k) => k.id === created.body.id);
    expect(listed).toMatchObject({ name: 'team-a', allowed_models: ['simulator/echo'] });
    expect(JSON.stringify(list.body)).not.toContain(created.body.secret as string);
  });

  it('revokes a key so that its very next request is refused', async () => {
    const created = await call('/admin/keys', {
      method: 'POST',
      body: JSON.stringify({ name: 'short-lived' }),
    });
    const secret = created.body.secret as string;
    expect((await call('/v1/usage', { key: secret })).status).toBe(200);
    const revoked = await call(`/admin/keys/${created.body.id}`, { method: 'DELETE' });
    expect(revoked.body.revoked_at).toEqual(expect.any(String));
    const after = await call('/v1/usage', { key: secret });
    expect(after.status).toBe(401);
    expect(after.body).toMatchObject({ error: { code: 'invalid_api_key', type: 'invalid_request_error' } });
  });

  it('updates limits with PATCH and names the bad field on invalid input', async () => {
    const created = await call('/admin/keys', { method: 'POST', body: JSON.stringify({ name: 'p' }) });
    const patched = await call(`/admin/keys/${created.body.id}`, {
      method: 'PATCH',
      body: JSON.stringify({ tpm: 5000 }),
    });
    expect(patched.body.tpm).toBe(5000);
    const bad = await call('/admin/keys', { method: 'POST', body: JSON.stringify({ name: 'x', rpm: -1 }) });
    expect(bad.status).toBe(400);
    expect(bad.body).toMatchObject({
      error: { param: 'rpm', code: 'invalid_request', type: 'invalid_request_error' },
    });
    const unknown = await call('/admin/keys', {
      method: 'POST',
      body: JSON.stringify({ name: 'x', colour: 'red' }),
    });
    expect(unknown.status).toBe(400);
    const notJson = await call('/admin/keys', { method: 'POST', body: '{"name":' });
    expect(notJson.body).toMatchObject({ error: { code: 'invalid_json' } });
    const missing = await call('/admin/keys/key_doesnotexist');
    expect(missing.status).toBe(404);
    const wrongMethod = await call('/admin/usage', { method: 'POST', body: '{}' });
    expect(wrongMethod.status).toBe(405);
    expect(wrongMethod.headers.get('allow')).toBe('GET');
  });

  it('refuses non-admin keys with a 403', async () => {
    const created = await call('/admin/keys', { method: 'POST', body: JSON.stringify({ name: 'plain' }) });
    const res = await call('/admin/keys', { key: created.body.secret as string });
    expect(res.status).toBe(403);
    expect(res.body).toMatchObject({ error: { type: 'permission_error' } });
  });

  it('reports usage by model with per-deployment percentiles, and each key sees only its own', async () => {
    const a = t.accounting.createKey({ name: 'usage-a' });
    const b = t.accounting.createKey({ name: 'usage-b' });
    const pa = t.accounting.authenticate(a.secret);
    const pb = t.accounting.authenticate(b.secret);
    for (let i = 0; i < 10; i++) {
      const adm = t.accounting.admit(pa, { model: 'gpt-4o', requestId: `a${i}`, estimatedPromptTokens: 1 });
      t.accounting.finish(adm, {
        model: 'gpt-4o',
        deployment: 'openai/gpt-4o',
        status: i === 9 ? 500 : 200,
        errorCode: i === 9 ? 'server_error' : null,
        usage: { prompt_tokens: 100, completion_tokens: 10, total_tokens: 110 },
        latencyMs: (i + 1) * 100,
        ttftMs: (i + 1) * 10,
      });
    }
    const admB = t.accounting.admit(pb, {
      model: 'simulator/echo',
      requestId: 'b0',
      estimatedPromptTokens: 1,
    });
    t.accounting.finish(admB, {
      model: 'simulator/echo',
      deployment: 'simulator/echo',
      status: 200,
      errorCode: null,
      usage: undefined,
      latencyMs: 1,
    });

    const report = await call(`/admin/usage?group_by=model&bucket=minute&key_id=${pa.keyId}`);
    expect(report.status).toBe(200);
    expect(report.body.totals).toMatchObject({
      requests: 10,
      errors: 1,
      prompt_tokens: 1000,
      completion_tokens: 100,
    });
    const dep = (report.body.deployments as Record<string, unknown>[]).find(
      (d) => d.deployment === 'openai/gpt-4o',
    );
    expect(dep).toMatchObject({
      requests: 10,
      error_rate: 0.1,
      latency_ms: { p50: 500, p90: 900, p99: 1000 },
    });
    expect((report.body.series as unknown[]).length).toBeGreaterThanOrEqual(1);

    const own = await call('/v1/usage?key_id=ignored', { key: b.secret });
    expect(own.body.totals).toMatchObject({ requests: 1 });
    expect((own.body.groups as { key: string }[]).map((g) => g.key)).toEqual(['simulator/echo']);
    const badBucket = await call('/admin/usage?bucket=week');
    expect(badBucket.body).toMatchObject({ error: { param: 'bucket' } });
  });
});
