import { afterEach, describe, expect, it } from 'vitest';
import {
  closedPort,
  completion,
  type LocalServer,
  sendJSON,
  startServer,
} from '../test/support/local-server.js';
import {
  AbortError,
  AuthenticationError,
  BadRequestError,
  ConflictError,
  ConnectionError,
  createClient,
  NotFoundError,
  PermissionDeniedError,
  ProtocolError,
  RateLimitError,
  ServerError,
} from './index.js';

let server: LocalServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

const request = { model: 'm', messages: [{ role: 'user' as const, content: 'Hi' }] };

async function failure(promise: PromiseLike<unknown>): Promise<ProtocolError> {
  try {
    await promise;
  } catch (error) {
    expect(ProtocolError.isInstance(error)).toBe(true);
    return error as ProtocolError;
  }
  throw new Error('expected the call to fail');
}

describe('error responses', () => {
  const cases = [
    { status: 400, Class: BadRequestError, code: 'context_length_exceeded', retryable: false },
    { status: 401, Class: AuthenticationError, code: 'invalid_api_key', retryable: false },
    {
      status: 403,
      Class: PermissionDeniedError,
      code: 'unsupported_country_region_territory',
      retryable: false,
    },
    { status: 404, Class: NotFoundError, code: 'model_not_found', retryable: false },
    { status: 409, Class: ConflictError, code: null, retryable: true },
    { status: 422, Class: BadRequestError, code: null, retryable: false },
    { status: 429, Class: RateLimitError, code: 'rate_limit_exceeded', retryable: true },
    { status: 500, Class: ServerError, code: null, retryable: true },
    { status: 503, Class: ServerError, code: 'overloaded', retryable: true },
  ] as const;

  for (const { status, Class, code, retryable } of cases) {
    it(`maps ${status} to ${Class.name} with the body's code, param and the request id`, async () => {
      server = await startServer((_req, res) =>
        sendJSON(
          res,
          status,
          { error: { message: `failure ${status}`, type: 'some_type', param: 'messages', code } },
          { 'x-request-id': `req_${status}` },
        ),
      );
      const client = createClient({ baseURL: server.baseURL, maxRetries: 0 });

      const error = await failure(client.chat.completions.create(request));

      expect(Class.isInstance(error)).toBe(true);
      expect(error.status).toBe(status);
      expect(error.message).toBe(`failure ${status}`);
      expect(error.param).toBe('messages');
      if (code) expect(error.code).toBe(code);
      expect(error.requestId).toBe(`req_${status}`);
      expect(error.isRetryable).toBe(retryable);
      expect(server.requests).toHaveLength(1);
    });
  }

  it('reads a non-JSON error page into the message', async () => {
    server = await startServer((_req, res) => {
      res.writeHead(502, { 'content-type': 'text/html' });
      res.end('<html>Bad gateway</html>');
    });
    const client = createClient({ baseURL: server.baseURL, maxRetries: 0 });

    const error = await failure(client.chat.completions.create(request));

    expect(ServerError.isInstance(error)).toBe(true);
    expect(error.status).toBe(502);
    expect(error.message).toBe('<html>Bad gateway</html>');
  });

  it('treats an error envelope in a 200 response as that error', async () => {
    server = await startServer((_req, res) =>
      sendJSON(res, 200, {
        error: { message: 'No such model', type: 'invalid_request_error', code: 'model_not_found' },
      }),
    );
    const client = createClient({ baseURL: server.baseURL, maxRetries: 0 });

    const error = await failure(client.chat.completions.create(request));

    expect(NotFoundError.isInstance(error)).toBe(true);
    expect(error.code).toBe('model_not_found');
  });

  it('fails with bad_response when a 200 body is not JSON', async () => {
    server = await startServer((_req, res) => sendJSON(res, 200, 'not json'));
    const client = createClient({ baseURL: server.baseURL });

    const error = await failure(client.chat.completions.create(request));

    expect(error.code).toBe('bad_response');
    expect(error.message).toContain('not json');
    expect(server.requests).toHaveLength(1);
  });
});

describe('retries', () => {
  /** Fails the first `failures` requests with `fail`, then answers. */
  function flaky(failures: number, fail: Parameters<typeof startServer>[0]) {
    return startServer((req, res, context) => {
      if (context.index < failures) return fail(req, res, context);
      sendJSON(res, 200, completion({ content: 'ok' }));
    });
  }

  it('retries 429 honouring retry-after-ms, then succeeds', async () => {
    server = await flaky(2, (_req, res) =>
      sendJSON(
        res,
        429,
        { error: { message: 'slow down', type: 'rate_limit_error', code: 'rate_limit_exceeded' } },
        {
          'retry-after-ms': '10',
        },
      ),
    );
    const client = createClient({ baseURL: server.baseURL });

    const result = await client.chat.completions.create(request);

    expect(result.choices[0]?.message.content).toBe('ok');
    expect(server.requests).toHaveLength(3);
  });

  it('retries 503 honouring retry-after in seconds', async () => {
    server = await flaky(1, (_req, res) =>
      sendJSON(res, 503, { error: { message: 'busy' } }, { 'retry-after': '0' }),
    );
    const client = createClient({ baseURL: server.baseURL });

    await client.chat.completions.create(request);

    expect(server.requests).toHaveLength(2);
  });

  it('retries 408 and 409', async () => {
    server = await startServer((_req, res, { index }) => {
      if (index === 0)
        return sendJSON(res, 408, { error: { message: 'timeout' } }, { 'retry-after-ms': '1' });
      if (index === 1)
        return sendJSON(res, 409, { error: { message: 'conflict' } }, { 'retry-after-ms': '1' });
      sendJSON(res, 200, completion({ content: 'ok' }));
    });
    const client = createClient({ baseURL: server.baseURL });

    await client.chat.completions.create(request);

    expect(server.requests).toHaveLength(3);
  });

  it('gives up after maxRetries with the last error', async () => {
    server = await startServer((_req, res, { index }) =>
      sendJSON(res, 500, { error: { message: `boom ${index}` } }, { 'retry-after-ms': '1' }),
    );
    const client = createClient({ baseURL: server.baseURL, maxRetries: 2 });

    const error = await failure(client.chat.completions.create(request));

    expect(error.message).toBe('boom 2');
    expect(server.requests).toHaveLength(3);
  });

  it('lets a call override maxRetries', async () => {
    server = await flaky(2, (_req, res) =>
      sendJSON(res, 500, { error: { message: 'x' } }, { 'retry-after-ms': '1' }),
    );
    const client = createClient({ baseURL: server.baseURL, maxRetries: 0 });

    await client.chat.completions.create(request, { maxRetries: 2 });

    expect(server.requests).toHaveLength(3);
  });

  it('does not retry when x-should-retry is false, even on 429', async () => {
    server = await flaky(1, (_req, res) =>
      sendJSON(
        res,
        429,
        { error: { message: 'balance exhausted', code: '1113' } },
        { 'x-should-retry': 'false' },
      ),
    );
    const client = createClient({ baseURL: server.baseURL });

    const error = await failure(client.chat.completions.create(request));

    expect(RateLimitError.isInstance(error)).toBe(true);
    expect(error.isRetryable).toBe(false);
    expect(server.requests).toHaveLength(1);
  });

  it('retries a status it would not retry when x-should-retry is true', async () => {
    server = await flaky(1, (_req, res) =>
      sendJSON(
        res,
        400,
        { error: { message: 'try again' } },
        { 'x-should-retry': 'true', 'retry-after-ms': '1' },
      ),
    );
    const client = createClient({ baseURL: server.baseURL });

    await client.chat.completions.create(request);

    expect(server.requests).toHaveLength(2);
  });

  it('does not retry a 429 whose code says the quota is gone', async () => {
    server = await flaky(1, (_req, res) =>
      sendJSON(res, 429, {
        error: { message: 'quota', type: 'insufficient_quota', code: 'insufficient_quota' },
      }),
    );
    const client = createClient({ baseURL: server.baseURL });

    const error = await failure(client.chat.completions.create(request));

    expect(error.code).toBe('insufficient_quota');
    expect(server.requests).toHaveLength(1);
  });

  it('does not retry 400, 401, 403, 404 or 422', async () => {
    server = await startServer((req, res) =>
      sendJSON(res, Number(req.json.model), { error: { message: 'no' } }),
    );
    const client = createClient({ baseURL: server.baseURL });

    for (const status of [400, 401, 403, 404, 422]) {
      await failure(client.chat.completions.create({ ...request, model: String(status) }));
    }

    expect(server.requests).toHaveLength(5);
  });

  it('retries a connection reset before the response, then succeeds', async () => {
    server = await flaky(1, (_req, res) => res.socket?.destroy());
    const client = createClient({ baseURL: server.baseURL });

    const result = await client.chat.completions.create(request);

    expect(result.choices[0]?.message.content).toBe('ok');
    expect(server.requests).toHaveLength(2);
  });

  it('retries a non-stream body cut off mid-way', async () => {
    server = await flaky(1, (_req, res) => {
      res.writeHead(200, { 'content-type': 'application/json', 'content-length': '1000' });
      res.write('{"id":"chatcmpl-test","choi', () => res.socket?.destroy());
    });
    const client = createClient({ baseURL: server.baseURL });

    const result = await client.chat.completions.create(request);

    expect(result.choices[0]?.message.content).toBe('ok');
    expect(server.requests).toHaveLength(2);
  });

  it('fails with a ConnectionError when nothing listens, after retrying', async () => {
    const port = await closedPort();
    const client = createClient({ baseURL: `http://127.0.0.1:${port}/v1`, maxRetries: 1 });

    const error = await failure(client.chat.completions.create(request));

    expect(ConnectionError.isInstance(error)).toBe(true);
    expect(error.code).toBe('connection_error');
    expect(error.message).toMatch(/ECONNREFUSED/);
    expect(error.isRetryable).toBe(true);
  });

  it('stops waiting for a retry as soon as the call is aborted', async () => {
    const controller = new AbortController();
    server = await startServer((_req, res) => {
      sendJSON(res, 429, { error: { message: 'later' } }, { 'retry-after': '60' });
      setImmediate(() => controller.abort());
    });
    const client = createClient({ baseURL: server.baseURL });

    const error = await failure(client.chat.completions.create(request, { signal: controller.signal }));

    expect(AbortError.isInstance(error)).toBe(true);
    expect(server.requests).toHaveLength(1);
  });
});
