import { once } from 'node:events';
import { type TestUpstream, testAdapterContext } from '@switchyard/adapter-kit/testing';
import { type ChatCompletionChunk, type ChatCompletionRequest, ProtocolError } from '@switchyard/protocol';
import { afterEach, describe, expect, it } from 'vitest';
import {
  fixture,
  SSE_HEADERS,
  startLocalUpstream,
  type UpstreamReply,
} from '../test/support/local-upstream.js';
import { createGeminiAdapter, type GeminiAdapterSettings } from './gemini-adapter.js';

let upstream: TestUpstream | undefined;
afterEach(async () => {
  await upstream?.close();
  upstream = undefined;
});

const request: ChatCompletionRequest = {
  model: 'gemini-2.5-flash',
  messages: [{ role: 'user', content: 'Hi' }],
};

async function serve(reply: UpstreamReply | (() => UpstreamReply), settings: GeminiAdapterSettings = {}) {
  upstream = await startLocalUpstream(typeof reply === 'function' ? reply : () => reply);
  return createGeminiAdapter({
    baseURL: upstream.baseURL,
    apiKey: 'key',
    generateId: () => 'gen',
    ...settings,
  });
}

async function caught(promise: Promise<unknown>): Promise<ProtocolError> {
  try {
    await promise;
  } catch (error) {
    if (ProtocolError.isInstance(error)) return error;
    throw error;
  }
  throw new Error('expected a ProtocolError');
}

async function drain(stream: AsyncIterable<ChatCompletionChunk>, into: ChatCompletionChunk[] = []) {
  for await (const chunk of stream) into.push(chunk);
  return into;
}

function rpcError(code: number, status: string, message: string, details: unknown[] = []) {
  return JSON.stringify({ error: { code, message, status, details } });
}

describe('error vectors over HTTP', () => {
  it("unary-failure-api-key.json: Gemini answers 400 INVALID_ARGUMENT API_KEY_INVALID; the server's own key was refused, so the client gets a 502 naming the provider, never a 401", async () => {
    const adapter = await serve({ status: 400, body: fixture('unary-failure-api-key.json') });
    for (const attempt of [
      adapter.complete!(request, testAdapterContext({ requestId: 'req-1' })),
      drain(adapter.stream!({ ...request, stream: true }, testAdapterContext({ requestId: 'req-1' }))),
    ]) {
      const error = await caught(attempt);
      expect(error.kind).toBe('server');
      expect(error.status).toBe(502);
      expect(error.code).toBe('upstream_auth_failed');
      expect(error.type).toBe('server_error');
      expect(error.message).toContain("Provider 'gemini' rejected the API key this server uses");
      expect(error.isRetryable).toBe(false);
      expect(error.streamStarted).toBe(false);
      expect(error.requestId).toBe('req-1');
      // The DebugInfo detail quotes the key: it must not travel with the error.
      expect(JSON.stringify(error.toEnvelope())).not.toContain('key1234');
      // Only Gemini's message is kept, for the server's logs: never the details.
      expect((error.cause as Error).message).toBe('API key not valid. Please pass a valid API key.');
    }
  });

  it('unary-failure-quota-exceeded.json: 429 RESOURCE_EXHAUSTED is a retryable rate limit', async () => {
    const adapter = await serve({ status: 429, body: fixture('unary-failure-quota-exceeded.json') });
    const error = await caught(adapter.complete!(request, testAdapterContext()));
    expect(error.kind).toBe('rate_limit');
    expect(error.status).toBe(429);
    expect(error.code).toBe('rate_limit_exceeded');
    expect(error.isRetryable).toBe(true);
    expect(error.message).toContain(
      "Quota exceeded for quota metric 'Generate Content API requests per minute'",
    );
  });
});

describe('error mapping table over HTTP', () => {
  it.each([
    [
      400,
      rpcError(400, 'INVALID_ARGUMENT', 'Invalid value at generation_config.temperature'),
      400,
      'invalid_request',
      'bad_request',
      false,
    ],
    [
      400,
      rpcError(
        400,
        'INVALID_ARGUMENT',
        'The input token count (1200000) exceeds the maximum number of tokens allowed (1048576).',
      ),
      400,
      'context_length_exceeded',
      'bad_request',
      false,
    ],
    [
      400,
      rpcError(400, 'FAILED_PRECONDITION', 'User location is not supported for the API use.'),
      400,
      'invalid_request',
      'bad_request',
      false,
    ],
    [
      403,
      rpcError(403, 'PERMISSION_DENIED', "Method doesn't allow unregistered callers."),
      502,
      'upstream_auth_failed',
      'server',
      false,
    ],
    [
      404,
      rpcError(404, 'NOT_FOUND', 'models/gemini-9 is not found for API version v1beta.'),
      404,
      'model_not_found',
      'not_found',
      false,
    ],
    [
      429,
      rpcError(429, 'RESOURCE_EXHAUSTED', 'Your prepayment credits are depleted.'),
      502,
      'upstream_insufficient_quota',
      'server',
      false,
    ],
    [
      402,
      rpcError(402, 'RESOURCE_EXHAUSTED', 'Billing required.'),
      502,
      'upstream_insufficient_quota',
      'server',
      false,
    ],
    [500, rpcError(500, 'INTERNAL', 'An internal error has occurred.'), 500, 'server_error', 'server', true],
    [
      503,
      rpcError(503, 'UNAVAILABLE', 'The model is overloaded. Please try again later.'),
      503,
      'overloaded',
      'server',
      true,
    ],
    [
      504,
      rpcError(504, 'DEADLINE_EXCEEDED', 'Deadline expired before operation could complete.'),
      504,
      'timeout',
      'server',
      true,
    ],
    [502, '<html>Bad Gateway</html>', 502, 'server_error', 'server', true],
  ] as const)('HTTP %i %s → %i %s', async (httpStatus, body, status, code, kind, retryable) => {
    const adapter = await serve({ status: httpStatus, body });
    for (const attempt of [
      adapter.complete!(request, testAdapterContext()),
      drain(adapter.stream!({ ...request, stream: true }, testAdapterContext())),
    ]) {
      const error = await caught(attempt);
      expect(error.status).toBe(status);
      expect(error.code).toBe(code);
      expect(error.kind).toBe(kind);
      expect(error.isRetryable).toBe(retryable);
      expect(error.streamStarted).toBe(false);
    }
  });

  it('takes the retry delay from RetryInfo, else from retry-after', async () => {
    const withInfo = await serve({
      status: 429,
      body: rpcError(429, 'RESOURCE_EXHAUSTED', 'Slow down.', [
        { '@type': 'type.googleapis.com/google.rpc.RetryInfo', retryDelay: '22s' },
      ]),
    });
    expect((await caught(withInfo.complete!(request, testAdapterContext()))).retryAfterMs).toBe(22_000);
    await upstream?.close();
    const withHeader = await serve({
      status: 503,
      headers: { 'retry-after': '3' },
      body: rpcError(503, 'UNAVAILABLE', 'Try later.'),
    });
    expect((await caught(withHeader.complete!(request, testAdapterContext()))).retryAfterMs).toBe(3000);
  });
});

describe('failures inside a stream', () => {
  const text = (value: string) =>
    `data: ${JSON.stringify({ candidates: [{ content: { role: 'model', parts: [{ text: value }] } }], responseId: 'r1' })}\r\n\r\n`;

  it('an error event after the first chunk ends the stream with streamStarted', async () => {
    const adapter = await serve({
      headers: SSE_HEADERS,
      body: `${text('Hel')}data: ${rpcError(500, 'INTERNAL', 'Internal error during generation.')}\r\n\r\n`,
    });
    const chunks: ChatCompletionChunk[] = [];
    const error = await caught(
      drain(adapter.stream!({ ...request, stream: true }, testAdapterContext()), chunks),
    );
    expect(chunks.map((chunk) => chunk.choices[0]?.delta)).toStrictEqual([
      { role: 'assistant', content: '' },
      { content: 'Hel' },
    ]);
    expect(error.status).toBe(500);
    expect(error.message).toBe('Internal error during generation.');
    expect(error.streamStarted).toBe(true);
    expect(error.isRetryable).toBe(true);
  });

  it('a stream cut before any finishReason is stream_incomplete', async () => {
    const adapter = await serve({ headers: SSE_HEADERS, body: text('Hel') });
    const chunks: ChatCompletionChunk[] = [];
    const error = await caught(
      drain(adapter.stream!({ ...request, stream: true }, testAdapterContext()), chunks),
    );
    expect(chunks).toHaveLength(2);
    expect(error.code).toBe('stream_incomplete');
    expect(error.streamStarted).toBe(true);
  });

  it('a payload that is not JSON is a bad_response', async () => {
    const adapter = await serve({ headers: SSE_HEADERS, body: 'data: {"candidates": [\r\n\r\n' });
    const error = await caught(drain(adapter.stream!({ ...request, stream: true }, testAdapterContext())));
    expect(error.code).toBe('bad_response');
    expect(error.status).toBe(502);
    expect(error.streamStarted).toBe(false);
  });

  it('a 200 body that is not JSON is a bad_response, not a connection error', async () => {
    const adapter = await serve({ body: '<html>captive portal</html>' });
    const error = await caught(adapter.complete!(request, testAdapterContext()));
    expect(error.code).toBe('bad_response');
    expect(error.status).toBe(502);
    expect(error.message).toContain('<html>captive portal</html>');
  });

  it('MALFORMED_FUNCTION_CALL is a retryable upstream error, not an answer', async () => {
    const body = JSON.stringify({
      candidates: [
        { content: { role: 'model' }, finishReason: 'MALFORMED_FUNCTION_CALL', finishMessage: 'bad call' },
      ],
    });
    const adapter = await serve({ body });
    const error = await caught(adapter.complete!(request, testAdapterContext()));
    expect(error.status).toBe(502);
    expect(error.code).toBe('upstream_error');
    expect(error.isRetryable).toBe(true);
    expect(error.message).toBe('Gemini ended the answer with MALFORMED_FUNCTION_CALL: bad call');
  });
});

describe('a blocked prompt (promptFeedback.blockReason, no candidates)', () => {
  const blocked = JSON.stringify({
    promptFeedback: { blockReason: 'PROHIBITED_CONTENT' },
    usageMetadata: { promptTokenCount: 12, totalTokenCount: 12 },
    modelVersion: 'gemini-2.5-flash',
    responseId: 'blk',
  });

  it('is a content_filter answer with a refusal, not an error', async () => {
    const adapter = await serve({ body: blocked });
    const completion = await adapter.complete!(request, testAdapterContext());
    expect(completion.choices).toStrictEqual([
      {
        index: 0,
        message: {
          role: 'assistant',
          content: '',
          refusal: 'Gemini blocked the prompt (PROHIBITED_CONTENT).',
        },
        logprobs: null,
        finish_reason: 'content_filter',
      },
    ]);
    expect(completion.usage).toStrictEqual({ prompt_tokens: 12, completion_tokens: 0, total_tokens: 12 });
  });

  it('streams the same answer', async () => {
    const adapter = await serve({ headers: SSE_HEADERS, body: `data: ${blocked}\r\n\r\n` });
    const chunks = await drain(adapter.stream!({ ...request, stream: true }, testAdapterContext()));
    expect(
      chunks.map((chunk) => [chunk.choices[0]?.delta, chunk.choices[0]?.finish_reason, chunk.usage]),
    ).toStrictEqual([
      [{ role: 'assistant', content: '' }, null, undefined],
      [{ refusal: 'Gemini blocked the prompt (PROHIBITED_CONTENT).' }, null, undefined],
      [{}, 'content_filter', undefined],
      [undefined, undefined, { prompt_tokens: 12, completion_tokens: 0, total_tokens: 12 }],
    ]);
  });
});

describe('transport', () => {
  it('a refused connection is a retryable connection_error', async () => {
    upstream = await startLocalUpstream(() => ({ body: '' }));
    const baseURL = upstream.baseURL;
    await upstream.close();
    upstream = undefined;
    const adapter = createGeminiAdapter({ baseURL, apiKey: 'key' });
    const error = await caught(adapter.complete!(request, testAdapterContext()));
    expect(error.code).toBe('connection_error');
    expect(error.isRetryable).toBe(true);
  });

  it('times out when Gemini does not answer (test with a stalled local upstream)', async () => {
    const adapter = await serve({ write: () => {} }, { timeout: 100 });
    const error = await caught(adapter.complete!(request, testAdapterContext()));
    expect(error.kind).toBe('timeout');
    expect(error.code).toBe('timeout');
    expect(error.isRetryable).toBe(true);
  });

  it('the request deadline bounds the call, whatever the timeout', async () => {
    const adapter = await serve({ write: () => {} }, { timeout: 60_000 });
    const started = Date.now();
    const error = await caught(
      adapter.complete!(request, { ...testAdapterContext(), deadline: Date.now() + 200 }),
    );
    expect(error.code).toBe('timeout');
    expect(Date.now() - started).toBeLessThan(10_000);
  });

  it('aborting the request mid-stream closes the upstream connection and throws an abort error', async () => {
    let closed: Promise<unknown> | undefined;
    const adapter = await serve({
      write: (response) => {
        closed = once(response, 'close');
        response.writeHead(200, SSE_HEADERS);
        response.write(
          `data: ${JSON.stringify({ candidates: [{ content: { role: 'model', parts: [{ text: 'Hi' }] } }] })}\r\n\r\n`,
        );
      },
    });
    const controller = new AbortController();
    const chunks: ChatCompletionChunk[] = [];
    const error = await caught(
      (async () => {
        for await (const chunk of adapter.stream!(
          { ...request, stream: true },
          testAdapterContext({ signal: controller.signal }),
        )) {
          chunks.push(chunk);
          if (chunk.choices[0]?.delta.content === 'Hi') controller.abort();
        }
      })(),
    );
    expect(error.kind).toBe('abort');
    expect(error.code).toBe('aborted');
    expect(error.streamStarted).toBe(true);
    await closed;
    expect(chunks).toHaveLength(2);
  });
});

describe('maxResponseBytes', () => {
  const LIMIT = 16 * 1024;
  const big = 'x'.repeat(64 * 1024);
  const answer = (text: string) =>
    JSON.stringify({
      candidates: [{ content: { role: 'model', parts: [{ text }] }, finishReason: 'STOP', index: 0 }],
      usageMetadata: { promptTokenCount: 1, candidatesTokenCount: 9, totalTokenCount: 10 },
      responseId: 'r1',
    });

  /** Sends `pieces` 4 KiB at a time and leaves the response open: only the client can end the call. */
  function openEnded(status: number, headers: Record<string, string>, text: string) {
    let closed: Promise<unknown> = Promise.resolve();
    const reply: UpstreamReply = {
      write: async (response) => {
        closed = once(response, 'close');
        response.writeHead(status, headers);
        for (let i = 0; i < text.length && !response.destroyed; i += 4096) {
          response.write(text.slice(i, i + 4096));
          await new Promise((resolve) => setImmediate(resolve));
        }
      },
    };
    return { reply, closed: () => closed };
  }

  it('an answer over the limit is a 502 bad_response and the upstream connection is released', async () => {
    const upstreamReply = openEnded(200, { 'content-type': 'application/json' }, answer(big));
    const adapter = await serve(upstreamReply.reply, { maxResponseBytes: LIMIT });
    const error = await caught(adapter.complete!(request, testAdapterContext({ requestId: 'req-big' })));
    expect({ code: error.code, status: error.status, requestId: error.requestId }).toEqual({
      code: 'bad_response',
      status: 502,
      requestId: 'req-big',
    });
    expect(error.message).toContain(`larger than ${LIMIT} bytes`);
    await upstreamReply.closed();
  });

  it('an answer within the limit is read whole', async () => {
    const adapter = await serve({ body: answer(big) }, { maxResponseBytes: 4 * LIMIT + 1024 });
    const completion = await adapter.complete!(request, testAdapterContext());
    expect(completion.choices[0]?.message.content).toHaveLength(big.length);
  });

  it('a stream event over the limit ends the stream with bad_response after the chunks before it', async () => {
    const upstreamReply = openEnded(
      200,
      SSE_HEADERS,
      `data: ${JSON.stringify({ candidates: [{ content: { role: 'model', parts: [{ text: 'Hel' }] } }] })}\r\n\r\ndata: ${answer(big)}`,
    );
    const adapter = await serve(upstreamReply.reply, { maxResponseBytes: LIMIT });
    const chunks: ChatCompletionChunk[] = [];
    const error = await caught(
      drain(adapter.stream!({ ...request, stream: true }, testAdapterContext()), chunks),
    );
    expect(chunks.map((chunk) => chunk.choices[0]?.delta.content ?? '').join('')).toBe('Hel');
    expect({ code: error.code, status: error.status, started: error.streamStarted }).toEqual({
      code: 'bad_response',
      status: 502,
      started: true,
    });
    await upstreamReply.closed();
  });

  it('an error body over the limit still gives the error of its status', async () => {
    const upstreamReply = openEnded(503, { 'content-type': 'text/html' }, big);
    const adapter = await serve(upstreamReply.reply, { maxResponseBytes: LIMIT });
    const error = await caught(adapter.complete!(request, testAdapterContext()));
    expect({ status: error.status, retryable: error.isRetryable }).toEqual({ status: 503, retryable: true });
    await upstreamReply.closed();
  });
});
