import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sendJson } from './node-web-bridge.js';
import { routeTable } from './route-table.js';

describe('routeTable', () => {
  let server: Server;
  let url: string;
  beforeAll(async () => {
    const serve = routeTable([
      { path: '/probe', handle: ({ res }) => sendJson(res, 200, { route: 'probe' }) },
      { method: 'GET', path: '/doc', handle: ({ res }) => sendJson(res, 200, { route: 'doc' }) },
      {
        path: (path) => path.startsWith('/files/'),
        setsRequestId: true,
        handle: ({ res, path }) => path !== '/files/missing' && sendJson(res, 200, { route: 'files' }),
      },
      {
        path: (path) => path.startsWith('/files/'),
        handle: ({ res, requestId }) => sendJson(res, 200, { route: 'fallback', requestId }),
      },
    ]);
    server = createServer((req, res) => void serve(req, res));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

  it('answers with the first route whose method and path match; the query is not part of the path', async () => {
    const probe = await fetch(`${url}/probe?x=1`, { method: 'POST' });
    expect(await probe.json()).toStrictEqual({ route: 'probe' });
    expect(probe.headers.get('x-request-id')).toBeNull();
    expect(await (await fetch(`${url}/doc`)).json()).toStrictEqual({ route: 'doc' });
  });

  it('passes a request on when a route returns false, and tags answers from the first setsRequestId route on', async () => {
    const served = await fetch(`${url}/files/a`, { headers: { 'x-request-id': 'req-given' } });
    expect(await served.json()).toStrictEqual({ route: 'files' });
    expect(served.headers.get('x-request-id')).toBe('req-given');
    const passed = await fetch(`${url}/files/missing`, { headers: { 'x-request-id': 'req-given' } });
    expect(await passed.json()).toStrictEqual({ route: 'fallback', requestId: 'req-given' });
  });

  it('answers 404 in the error envelope, with a request id, when no route takes the request', async () => {
    const response = await fetch(`${url}/doc`, { method: 'DELETE' });
    expect(response.status).toBe(404);
    expect(response.headers.get('x-request-id')).toMatch(/.+/);
    const body = (await response.json()) as { error: { code: string; message: string } };
    expect(body.error.code).toBe('not_found');
    expect(body.error.message).toBe('Unknown route: DELETE /doc');
  });
});
