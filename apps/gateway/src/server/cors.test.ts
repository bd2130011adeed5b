import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import type { CorsConfig } from '../config/config-schema.js';
import { applyCors } from './cors.js';

let server: Server | undefined;
afterEach(() => new Promise<void>((r) => (server ? server.close(() => r()) : r())));

async function serve(config: CorsConfig): Promise<string> {
  const created = createServer((req, res) => {
    if (applyCors(config, req, res, new URL(req.url ?? '/', 'http://x').pathname)) return;
    res.writeHead(200, { 'content-type': 'application/json', 'x-request-id': 'req_1' });
    res.end('{}');
  });
  server = created;
  await new Promise<void>((r) => created.listen(0, '127.0.0.1', r));
  return `http://127.0.0.1:${(created.address() as AddressInfo).port}`;
}

describe('CORS', () => {
  it('is off by default: no allow-origin header for any path', async () => {
    const url = await serve({ origins: [], admin: false });
    const res = await fetch(`${url}/v1/models`, { headers: { origin: 'https://app.example' } });
    expect(res.headers.get('access-control-allow-origin')).toBeNull();
  });

  it('lets a listed origin call /v1 and read the request id, but not /admin unless enabled', async () => {
    const url = await serve({ origins: ['https://app.example'], admin: false });
    const ok = await fetch(`${url}/v1/chat/completions`, {
      method: 'POST',
      headers: { origin: 'https://app.example' },
    });
    expect(ok.headers.get('access-control-allow-origin')).toBe('https://app.example');
    expect(ok.headers.get('access-control-expose-headers')).toContain('x-request-id');
    const other = await fetch(`${url}/v1/models`, { headers: { origin: 'https://evil.example' } });
    expect(other.headers.get('access-control-allow-origin')).toBeNull();
    const admin = await fetch(`${url}/admin/keys`, { headers: { origin: 'https://app.example' } });
    expect(admin.headers.get('access-control-allow-origin')).toBeNull();
  });

  it('answers preflights for allowed origins, and for /admin only when enabled', async () => {
    const url = await serve({ origins: ['*'], admin: true });
    const pre = await fetch(`${url}/admin/keys`, {
      method: 'OPTIONS',
      headers: { origin: 'https://ops.example', 'access-control-request-method': 'DELETE' },
    });
    expect(pre.status).toBe(204);
    expect(pre.headers.get('access-control-allow-methods')).toContain('DELETE');
    expect(pre.headers.get('access-control-allow-headers')).toContain('authorization');
  });
});
