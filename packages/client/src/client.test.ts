import { afterEach, describe, expect, it } from 'vitest';
import { completion, type LocalServer, sendJSON, startServer } from '../test/support/local-server.js';
import { createClient } from './index.js';

let server: LocalServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

const messages = [{ role: 'user' as const, content: 'Hi' }];

describe('chat.completions.create', () => {
  it('posts the request as JSON and returns the typed completion', async () => {
    const body = completion({ content: 'Hello!' });
    server = await startServer((_req, res) => sendJSON(res, 200, body, { 'x-request-id': 'req_1' }));
    const client = createClient({ baseURL: server.baseURL, apiKey: 'sk-test' });

    const result = await client.chat.completions.create({ model: 'test-model', messages, temperature: 0.5 });

    expect(result).toStrictEqual(body);
    expect(result.choices[0]?.message.content).toBe('Hello!');
    const [request] = server.requests;
    expect(request?.method).toBe('POST');
    expect(request?.url).toBe('/v1/chat/completions');
    expect(request?.json).toStrictEqual({ model: 'test-model', messages, temperature: 0.5 });
    expect(request?.headers.authorization).toBe('Bearer sk-test');
    expect(request?.headers['content-type']).toBe('application/json');
    expect(request?.headers.accept).toBe('application/json');
  });

  it('exposes the request id without making it part of the data', async () => {
    server = await startServer((_req, res) =>
      sendJSON(res, 200, completion({ content: 'x' }), { 'x-request-id': 'req_42' }),
    );
    const client = createClient({ baseURL: server.baseURL });

    const result = await client.chat.completions.create({ model: 'm', messages });

    expect(result._requestId).toBe('req_42');
    expect(Object.keys(result)).not.toContain('_requestId');
    expect(JSON.stringify(result)).not.toContain('req_42');
  });

  it('gives the raw response and request id with withResponse()', async () => {
    server = await startServer((_req, res) =>
      sendJSON(res, 200, completion({ content: 'x' }), {
        'x-request-id': 'req_7',
        'x-ratelimit-remaining-requests': '99',
      }),
    );
    const client = createClient({ baseURL: server.baseURL });

    const { data, response, requestId } = await client.chat.completions
      .create({ model: 'm', messages })
      .withResponse();

    expect(requestId).toBe('req_7');
    expect(response.status).toBe(200);
    expect(response.headers.get('x-ratelimit-remaining-requests')).toBe('99');
    expect(data.choices[0]?.message.content).toBe('x');
  });

  it('rejects withResponse() with the typed error, and nothing else goes unhandled', async () => {
    server = await startServer((_req, res) => sendJSON(res, 404, { error: { message: 'no such model' } }));
    const client = createClient({ baseURL: server.baseURL });

    await expect(
      client.chat.completions.create({ model: 'm', messages }).withResponse(),
    ).rejects.toMatchObject({
      status: 404,
      message: 'no such model',
    });
  });

  it('merges client and per-call headers, lower-cased, and drops those set to null', async () => {
    server = await startServer((_req, res) => sendJSON(res, 200, completion({ content: 'x' })));
    const client = createClient({
      baseURL: `${server.baseURL}/`,
      apiKey: 'sk-test',
      headers: { 'X-Team': 'a', 'X-Trace': 'client' },
    });

    await client.chat.completions.create(
      { model: 'm', messages },
      { headers: { 'x-trace': 'call', Authorization: null } },
    );

    const headers = server.requests[0]?.headers;
    expect(server.requests[0]?.url).toBe('/v1/chat/completions');
    expect(headers?.['x-team']).toBe('a');
    expect(headers?.['x-trace']).toBe('call');
    expect(headers?.authorization).toBeUndefined();
  });

  it('uses the fetch it is given', async () => {
    server = await startServer((_req, res) => sendJSON(res, 200, completion({ content: 'x' })));
    const seen: string[] = [];
    const client = createClient({
      baseURL: server.baseURL,
      fetch: (input, init) => {
        seen.push(String(input));
        return fetch(input, init);
      },
    });

    await client.chat.completions.create({ model: 'm', messages });

    expect(seen).toStrictEqual([`${server.baseURL}/chat/completions`]);
  });
});

describe('models.list', () => {
  it('gets the model list', async () => {
    const list = { object: 'list', data: [{ id: 'glm-5.1', object: 'model', created: 1, owned_by: 'z' }] };
    server = await startServer((_req, res) => sendJSON(res, 200, list, { 'x-request-id': 'req_m' }));
    const client = createClient({ baseURL: server.baseURL, apiKey: 'k' });

    const models = await client.models.list();

    expect(models).toStrictEqual(list);
    expect(models._requestId).toBe('req_m');
    expect(server.requests[0]?.method).toBe('GET');
    expect(server.requests[0]?.url).toBe('/v1/models');
    expect(server.requests[0]?.body).toBe('');
    expect(server.requests[0]?.headers['content-type']).toBeUndefined();
  });
});
