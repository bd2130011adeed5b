import {
  collect,
  type TestUpstream,
  testAdapterContext,
  testChatRequest,
} from '@switchyard/adapter-kit/testing';
import {
  AuthenticationError,
  BadRequestError,
  NotFoundError,
  PermissionDeniedError,
  type ProtocolError,
  RateLimitError,
  ServerError,
} from '@switchyard/protocol';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startLocalUpstream } from '../test/support/local-upstream.js';
import { createOpenAICompatibleAdapter } from './openai-compatible-adapter.js';

let upstream: TestUpstream;
beforeAll(async () => {
  upstream = await startLocalUpstream();
});
afterAll(() => upstream.close());

interface Case {
  name: string;
  status: number;
  body: string;
  headers?: Record<string, string>;
  expected: {
    kind: typeof ProtocolError;
    /** What the client gets when it is not the upstream's status. */
    status?: number;
    code: string;
    type?: string;
    retryable: boolean;
    retryAfterMs?: number;
    message?: string;
    param?: string | null;
  };
}

const openaiError = (message: string, type: string, code: string | null, param: string | null = null) =>
  JSON.stringify({ error: { message, type, param, code } });

/** The server's own provider key was refused: a 502 for the client, never its 401. */
const AUTH_FAILED: Case['expected'] = {
  kind: ServerError,
  status: 502,
  code: 'upstream_auth_failed',
  retryable: false,
};
/** The server's account at the provider is empty: a 502 for the client, not retryable. */
const NO_BALANCE: Case['expected'] = {
  kind: ServerError,
  status: 502,
  code: 'upstream_insufficient_quota',
  retryable: false,
};

const CASES: Case[] = [
  {
    name: '400 context length',
    status: 400,
    body: openaiError(
      'This model maximum context length is 8192 tokens.',
      'invalid_request_error',
      'context_length_exceeded',
      'messages',
    ),
    expected: { kind: BadRequestError, code: 'context_length_exceeded', retryable: false, param: 'messages' },
  },
  {
    name: '401 bad key',
    status: 401,
    body: openaiError('Incorrect API key provided.', 'invalid_request_error', 'invalid_api_key'),
    // The server's own provider key, not the caller's: never a 401 the caller would blame on their key.
    expected: AUTH_FAILED,
  },
  {
    name: '401 with x-should-retry: true is still not retried',
    status: 401,
    headers: { 'x-should-retry': 'true' },
    body: openaiError('Incorrect API key provided.', 'invalid_request_error', 'invalid_api_key'),
    expected: AUTH_FAILED,
  },
  {
    name: '403 OpenAI unsupported region (the account, not the caller)',
    status: 403,
    body: openaiError(
      'Country, region, or territory not supported',
      'request_forbidden',
      'unsupported_country_region_territory',
    ),
    expected: AUTH_FAILED,
  },
  {
    name: '401 Z.ai 1001 (authentication token)',
    status: 401,
    body: JSON.stringify({
      error: { code: '1001', message: 'Authentication parameter not received in Header' },
    }),
    expected: AUTH_FAILED,
  },
  {
    name: '402 OpenRouter out of credits (numeric code)',
    status: 402,
    body: JSON.stringify({
      error: { code: 402, message: 'Insufficient credits. Add more using https://openrouter.ai/credits' },
    }),
    expected: NO_BALANCE,
  },
  {
    name: '402 DeepSeek insufficient balance',
    status: 402,
    body: openaiError('Insufficient Balance', 'unknown_error', 'invalid_request_error'),
    expected: NO_BALANCE,
  },
  {
    name: '403 OpenRouter moderation',
    status: 403,
    body: JSON.stringify({
      error: { code: 403, message: 'Input flagged', metadata: { reasons: ['violence'] } },
    }),
    expected: { kind: PermissionDeniedError, code: 'permission_denied', retryable: false },
  },
  {
    name: '404 unknown model',
    status: 404,
    body: openaiError(
      'The model `gpt-9` does not exist',
      'invalid_request_error',
      'model_not_found',
      'model',
    ),
    expected: { kind: NotFoundError, code: 'model_not_found', retryable: false, param: 'model' },
  },
  {
    name: '429 OpenAI insufficient_quota, even with retry-after',
    status: 429,
    headers: { 'retry-after': '20' },
    body: openaiError(
      'You exceeded your current quota, please check your plan and billing details.',
      'insufficient_quota',
      'insufficient_quota',
    ),
    expected: NO_BALANCE,
  },
  {
    name: '429 Z.ai 1113 account in arrears',
    status: 429,
    body: JSON.stringify({
      error: { code: '1113', message: 'Your account is in arrears, please recharge and try again' },
    }),
    expected: NO_BALANCE,
  },
  {
    name: '429 Z.ai 1302 concurrency',
    status: 429,
    body: JSON.stringify({
      error: { code: '1302', message: 'High concurrency usage of this API, please reduce concurrency' },
    }),
    expected: { kind: RateLimitError, code: 'rate_limit_exceeded', retryable: true },
  },
  {
    name: '429 rate limit with retry-after seconds',
    status: 429,
    headers: { 'retry-after': '7' },
    body: openaiError(
      'Rate limit reached for gpt-4o on tokens per min (TPM).',
      'tokens',
      'rate_limit_exceeded',
    ),
    expected: {
      kind: RateLimitError,
      code: 'rate_limit_exceeded',
      type: 'tokens',
      retryable: true,
      retryAfterMs: 7000,
    },
  },
  {
    name: '429 TPM limit whose message links the billing page stays retryable',
    status: 429,
    body: openaiError(
      'Rate limit reached for gpt-4o-mini on tokens per min (TPM): Limit 200000, Used 199000. Please try again in 6ms. ' +
        'You can increase your rate limit by adding a payment method at https://platform.openai.com/account/billing.',
      'tokens',
      'rate_limit_exceeded',
    ),
    expected: { kind: RateLimitError, code: 'rate_limit_exceeded', retryable: true },
  },
  {
    name: '429 rate limit with retry-after-ms (wins over retry-after)',
    status: 429,
    headers: { 'retry-after-ms': '1500.5', 'retry-after': '9' },
    body: openaiError('Rate limit reached.', 'requests', 'rate_limit_exceeded'),
    expected: { kind: RateLimitError, code: 'rate_limit_exceeded', retryable: true, retryAfterMs: 1500.5 },
  },
  {
    name: '429 without a body, x-should-retry: false',
    status: 429,
    headers: { 'x-should-retry': 'false' },
    body: '',
    expected: {
      kind: RateLimitError,
      code: 'rate_limit_exceeded',
      retryable: false,
      message: 'Upstream answered 429 without a body.',
    },
  },
  {
    name: '500 server error',
    status: 500,
    body: openaiError('The server had an error while processing your request.', 'server_error', null),
    expected: { kind: ServerError, code: 'server_error', retryable: true },
  },
  {
    name: '502 HTML page from a proxy',
    status: 502,
    body: '<html><body>Bad gateway</body></html>',
    expected: {
      kind: ServerError,
      code: 'server_error',
      retryable: true,
      message: '<html><body>Bad gateway</body></html>',
    },
  },
  {
    name: '503 with retry-after',
    status: 503,
    headers: { 'retry-after': '3' },
    body: JSON.stringify({ error: { code: 503, message: 'No available provider' } }),
    expected: { kind: ServerError, code: 'server_error', retryable: true, retryAfterMs: 3000 },
  },
  {
    name: '503 with x-should-retry: false',
    status: 503,
    headers: { 'x-should-retry': 'false' },
    body: openaiError('Unavailable.', 'server_error', null),
    expected: { kind: ServerError, code: 'server_error', retryable: false },
  },
  {
    name: '529 Anthropic-style overloaded',
    status: 529,
    body: JSON.stringify({ type: 'error', error: { type: 'overloaded_error', message: 'Overloaded' } }),
    expected: {
      kind: ServerError,
      code: 'overloaded',
      type: 'overloaded_error',
      retryable: true,
      message: 'Overloaded',
    },
  },
];

describe('upstream HTTP errors become protocol errors', () => {
  for (const testCase of CASES) {
    it(`${testCase.name}`, async () => {
      upstream.respond((_request, res) => {
        res.writeHead(testCase.status, { 'content-type': 'application/json', ...testCase.headers });
        res.end(testCase.body);
      });
      const adapter = createOpenAICompatibleAdapter({ name: 'test', baseURL: upstream.baseURL });
      for (const mode of ['complete', 'stream'] as const) {
        const promise =
          mode === 'complete'
            ? adapter.complete!(testChatRequest({}), testAdapterContext())
            : collect(adapter.stream!(testChatRequest({ stream: true }), testAdapterContext()));
        const error = (await promise.catch((e: unknown) => e)) as ProtocolError;
        const { expected } = testCase;
        expect(expected.kind.isInstance(error)).toBe(true);
        expect(error.status).toBe(expected.status ?? testCase.status);
        expect(error.code).toBe(expected.code);
        expect(error.isRetryable).toBe(expected.retryable);
        expect(error.retryAfterMs).toBe(expected.retryAfterMs);
        expect(error.streamStarted).toBe(false);
        expect(error.requestId).toBe('req_test_1');
        if (expected.type) expect(error.type).toBe(expected.type);
        if (expected.message) expect(error.message).toBe(expected.message);
        if (expected.param !== undefined) expect(error.param).toBe(expected.param);
      }
    });
  }

  it('the upstream x-request-id wins over ours when it sends one', async () => {
    upstream.respond((_request, res) => {
      res.writeHead(500, { 'x-request-id': 'req_upstream_9' }).end('{}');
    });
    const adapter = createOpenAICompatibleAdapter({ name: 'test', baseURL: upstream.baseURL });
    const error = (await adapter.complete!(testChatRequest({}), testAdapterContext()).catch(
      (e: unknown) => e,
    )) as ProtocolError;
    expect(error.requestId).toBe('req_upstream_9');
  });

  it("a rejected provider key names the provider and says the operator must fix it, without the key or the upstream's host", async () => {
    const key = 'sk-provider-secret-0123456789';
    upstream.respond((_request, res) => {
      res.writeHead(401, { 'content-type': 'application/json' });
      res.end(openaiError(`Incorrect API key provided: ${key}.`, 'invalid_request_error', 'invalid_api_key'));
    });
    const adapter = createOpenAICompatibleAdapter({
      name: 'token360',
      baseURL: upstream.baseURL,
      apiKey: key,
    });
    const error = (await adapter.complete!(testChatRequest({}), testAdapterContext()).catch(
      (e: unknown) => e,
    )) as ProtocolError;
    expect(AuthenticationError.isInstance(error)).toBe(false);
    expect(error.message).toContain("Provider 'token360' rejected the API key this server uses");
    expect(error.message).toContain('operator must fix the key');
    expect(error.message).not.toContain(new URL(upstream.baseURL).host);
    // The upstream's words stay for the server's logs, redacted.
    expect((error.cause as Error).message).toBe('Incorrect API key provided: [redacted].');
  });
});
