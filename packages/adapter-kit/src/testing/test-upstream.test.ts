import { afterEach, describe, expect, it } from 'vitest';
import { startTestUpstream, type TestUpstream } from './test-upstream.js';
import { answerError, CONTENT_TYPES, cutMidStream, serveLines, stall } from './upstream-replies.js';

let upstream: TestUpstream | undefined;
afterEach(() => upstream?.close());

const post = (url: string, body: unknown, init: RequestInit = {}) =>
  fetch(url, {
    method: 'POST',
    body: JSON.stringify(body),
    headers: { 'content-type': 'application/json' },
    ...init,
  });

describe('startTestUpstream', () => {
  it('records each request (path under basePath, headers, JSON body) and serves NDJSON lines', async () => {
    upstream = await startTestUpstream(serveLines([{ a: 1 }, 'plain']), { basePath: '/v2' });
    const res = await post(`${upstream.baseURL}/generate?x=1`, { model: 'm' });
    expect([res.status, res.headers.get('content-type'), await res.text()]).toStrictEqual([
      200,
      CONTENT_TYPES.ndjson,
      '{"a":1}\nplain\n',
    ]);
    const request = upstream.lastRequest();
    expect([request.method, request.path, request.json, request.isAbandoned()]).toStrictEqual([
      'POST',
      '/v2/generate?x=1',
      { model: 'm' },
      false,
    ]);
  });

  it('sees a request abandoned by its client, and a stream cut by the upstream', async () => {
    upstream = await startTestUpstream(stall());
    const controller = new AbortController();
    const arrived = upstream.nextRequest();
    const abandoned = upstream.nextAbandoned();
    const pending = post(upstream.baseURL, {}, { signal: controller.signal }).catch((e: unknown) => e);
    await arrived;
    controller.abort();
    await abandoned;
    expect(upstream.lastRequest().isAbandoned()).toBe(true);
    await pending;
    upstream.respond(cutMidStream('0123456789', 'text/plain', { bytes: 4 }));
    const res = await post(upstream.baseURL, {});
    await expect(res.text()).rejects.toThrow();
  });

  it('answers errors with headers, and a responder that throws with a 500 saying why', async () => {
    upstream = await startTestUpstream(
      answerError(429, { failure: 'slow down' }, { headers: { 'retry-after': '3' } }),
    );
    const limited = await post(upstream.baseURL, {});
    expect([limited.status, limited.headers.get('retry-after'), await limited.text()]).toStrictEqual([
      429,
      '3',
      '{"failure":"slow down"}',
    ]);
    upstream.respond(() => {
      throw new Error('no such route');
    });
    const broken = await post(upstream.baseURL, {});
    expect([broken.status, await broken.text()]).toStrictEqual([500, 'test upstream: Error: no such route']);
  });
});
