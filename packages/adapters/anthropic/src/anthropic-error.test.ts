import {
  AuthenticationError,
  BadRequestError,
  type ChatCompletionChunk,
  type ChatCompletionRequest,
  NotFoundError,
  ProtocolError,
  RateLimitError,
  ServerError,
} from '@switchyard/protocol';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { adapterContext } from '../test/support/adapter-context.js';
import {
  readFixture,
  startUpstream,
  type Upstream,
  type UpstreamReply,
} from '../test/support/upstream-server.js';
import { createAnthropicAdapter } from './anthropic-adapter.js';

// Error bodies and stream error events from a real local HTTP server, mapped to protocol errors.

let upstream: Upstream;
let reply: UpstreamReply;

beforeAll(async () => {
  upstream = await startUpstream(() => reply);
});
afterAll(() => upstream.close());

const request: ChatCompletionRequest = {
  model: 'claude-sonnet-4-5',
  messages: [{ role: 'user', content: 'Hi' }],
};

function adapter() {
  return createAnthropicAdapter({ baseURL: upstream.baseURL, apiKey: 'sk-ant-test' });
}

async function failure(mode: 'complete' | 'stream'): Promise<ProtocolError> {
  const run =
    mode === 'complete'
      ? adapter().complete!(request, adapterContext())
      : (async () => {
          for await (const _ of adapter().stream!(request, adapterContext()));
        })();
  const error = await run.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(ProtocolError.isInstance(error)).toBe(true);
  return error as ProtocolError;
}

function anthropicError(type: string, message: string): string {
  return JSON.stringify({ type: 'error', error: { type, message }, request_id: 'req_body_1' });
}

describe('HTTP error responses', () => {
  it('maps the recorded 400 (anthropic-issue-17366-error.json) to a BadRequestError with the request id', async () => {
    reply = {
      status: 400,
      headers: { 'content-type': 'application/json', 'request-id': 'req_011Cd65WVh8Zrvno3NunpJ73' },
      body: readFixture('anthropic-issue-17366-error.json'),
    };
    for (const mode of ['complete', 'stream'] as const) {
      const error = await failure(mode);
      expect(BadRequestError.isInstance(error)).toBe(true);
      expect(error.toEnvelope()).toStrictEqual({
        error: {
          message:
            'messages.2.content.0: unexpected `tool_use_id` found in `tool_result` blocks: srvtoolu_issue_17366_invalid. Each `tool_result` block must have a corresponding `tool_use` block in the previous message.',
          type: 'invalid_request_error',
          param: null,
          code: 'invalid_request',
          request_id: 'req_011Cd65WVh8Zrvno3NunpJ73',
        },
      });
      expect(error.status).toBe(400);
      expect(error.isRetryable).toBe(false);
      expect(error.streamStarted).toBe(false);
    }
  });

  it.each([
    [404, 'not_found_error', 'model: claude-9', NotFoundError, 'model_not_found', 'not_found_error', false],
    [
      413,
      'request_too_large',
      'Request exceeds the maximum size',
      BadRequestError,
      'body_too_large',
      'invalid_request_error',
      false,
    ],
    [
      400,
      'invalid_request_error',
      'prompt is too long: 210000 tokens > 200000 maximum',
      BadRequestError,
      'context_length_exceeded',
      'invalid_request_error',
      false,
    ],
    [
      429,
      'rate_limit_error',
      'Number of request tokens has exceeded your rate limit',
      RateLimitError,
      'rate_limit_exceeded',
      'rate_limit_error',
      true,
    ],
    [500, 'api_error', 'Internal server error', ServerError, 'server_error', 'server_error', true],
    [504, 'timeout_error', 'Request timed out', ServerError, 'timeout', 'timeout_error', true],
    [529, 'overloaded_error', 'Overloaded', ServerError, 'overloaded', 'server_error', true],
  ] as const)('maps %i %s (%s)', async (status, type, message, Class, code, envelopeType, retryable) => {
    reply = {
      status,
      headers: { 'content-type': 'application/json', 'request-id': `req_${status}` },
      body: anthropicError(type, message),
    };
    const error = await failure('complete');
    expect(Class.isInstance(error)).toBe(true);
    expect(error.status).toBe(status);
    expect(error.code).toBe(code);
    expect(error.type).toBe(envelopeType);
    expect(error.message).toBe(message);
    expect(error.isRetryable).toBe(retryable);
    expect(error.requestId).toBe(`req_${status}`);
  });

  it.each([
    [401, 'authentication_error', 'invalid x-api-key', 'upstream_auth_failed'],
    [403, 'permission_error', 'Your API key does not have permission', 'upstream_auth_failed'],
    [
      400,
      'invalid_request_error',
      'Your credit balance is too low to access the Anthropic API.',
      'upstream_insufficient_quota',
    ],
    [402, 'billing_error', 'Billing issue', 'upstream_insufficient_quota'],
  ] as const)(
    "maps %i %s (the server's own key or account) to a 502 naming the provider, never the caller's 401",
    async (status, type, message, code) => {
      reply = {
        status,
        headers: { 'content-type': 'application/json', 'request-id': `req_${status}` },
        body: anthropicError(type, message),
      };
      for (const mode of ['complete', 'stream'] as const) {
        const error = await failure(mode);
        expect(ServerError.isInstance(error)).toBe(true);
        expect(AuthenticationError.isInstance(error)).toBe(false);
        expect([error.status, error.code, error.type, error.isRetryable]).toEqual([
          502,
          code,
          'server_error',
          false,
        ]);
        expect(error.message).toContain("Provider 'anthropic'");
        expect(error.message).toContain('operator must');
        expect((error.cause as Error).message).toBe(message);
        expect(error.requestId).toBe(`req_${status}`);
      }
    },
  );

  it('reads retry-after (seconds) and retry-after-ms into retryAfterMs', async () => {
    reply = {
      status: 429,
      headers: { 'retry-after': '7' },
      body: anthropicError('rate_limit_error', 'Slow down'),
    };
    expect((await failure('complete')).retryAfterMs).toBe(7000);
    reply = {
      status: 529,
      headers: { 'retry-after': '7', 'retry-after-ms': '1500' },
      body: anthropicError('overloaded_error', 'Overloaded'),
    };
    const overloaded = await failure('stream');
    expect(overloaded.retryAfterMs).toBe(1500);
    expect(overloaded.code).toBe('overloaded');
  });

  it('lets x-should-retry override the status-based decision', async () => {
    reply = {
      status: 529,
      headers: { 'x-should-retry': 'false' },
      body: anthropicError('overloaded_error', 'Overloaded'),
    };
    expect((await failure('complete')).isRetryable).toBe(false);
  });

  it('reads a non-JSON error page (a proxy 502) into a retryable server error', async () => {
    reply = {
      status: 502,
      headers: { 'content-type': 'text/html' },
      body: '<html><body>Bad gateway</body></html>',
    };
    const error = await failure('complete');
    expect(ServerError.isInstance(error)).toBe(true);
    expect(error.status).toBe(502);
    expect(error.message).toBe('Anthropic returned HTTP 502: <html><body>Bad gateway</body></html>');
    expect(error.isRetryable).toBe(true);
    expect(error.requestId).toBeNull();
  });
});

function sse(events: Record<string, unknown>[]): string[] {
  return events.map((event) => `event: ${event.type}\ndata: ${JSON.stringify(event)}\n\n`);
}

const messageStart = {
  type: 'message_start',
  message: {
    id: 'msg_1',
    type: 'message',
    role: 'assistant',
    model: 'claude-sonnet-4-5',
    content: [],
    usage: { input_tokens: 5, output_tokens: 1 },
  },
};

async function collect(): Promise<{ chunks: ChatCompletionChunk[]; error: ProtocolError | undefined }> {
  const chunks: ChatCompletionChunk[] = [];
  try {
    for await (const chunk of adapter().stream!(request, adapterContext())) chunks.push(chunk);
    return { chunks, error: undefined };
  } catch (error) {
    expect(ProtocolError.isInstance(error)).toBe(true);
    return { chunks, error: error as ProtocolError };
  }
}

describe('errors inside a stream', () => {
  it('turns an error event after the first chunk into an overloaded error with streamStarted', async () => {
    reply = {
      headers: { 'content-type': 'text/event-stream', 'request-id': 'req_stream_1' },
      body: [
        ...sse([
          messageStart,
          { type: 'content_block_start', index: 0, content_block: { type: 'text', text: '' } },
        ]),
        ...sse([{ type: 'content_block_delta', index: 0, delta: { type: 'text_delta', text: 'Hel' } }]),
        'event: error\ndata: {"type":"error","error":{"type":"overloaded_error","message":"Overloaded"}}\n\n',
      ],
    };
    const { chunks, error } = await collect();
    expect(chunks.map((chunk) => chunk.choices[0]?.delta)).toStrictEqual([
      { role: 'assistant', content: '' },
      { content: 'Hel' },
    ]);
    expect(ServerError.isInstance(error)).toBe(true);
    expect(error?.code).toBe('overloaded');
    expect(error?.status).toBe(529);
    expect(error?.message).toBe('Overloaded');
    expect(error?.isRetryable).toBe(true);
    expect(error?.streamStarted).toBe(true);
    expect(error?.requestId).toBe('req_stream_1');
  });

  it('reports an error event before any chunk as not started, so the server can still send an HTTP error', async () => {
    reply = {
      headers: { 'content-type': 'text/event-stream' },
      body: [
        'event: error\ndata: {"type":"error","error":{"type":"rate_limit_error","message":"Too many"}}\n\n',
      ],
    };
    const { chunks, error } = await collect();
    expect(chunks).toHaveLength(0);
    expect(RateLimitError.isInstance(error)).toBe(true);
    expect(error?.status).toBe(429);
    expect(error?.streamStarted).toBe(false);
  });

  it('fails with stream_incomplete when the stream ends before message_delta', async () => {
    reply = {
      headers: { 'content-type': 'text/event-stream' },
      body: sse([
        messageStart,
        { type: 'content_block_start', index: 0, content_block: { type: 'text', text: '' } },
        { type: 'content_block_delta', index: 0, delta: { type: 'text_delta', text: 'Hel' } },
      ]),
    };
    const { chunks, error } = await collect();
    expect(chunks).toHaveLength(2);
    expect(error?.code).toBe('stream_incomplete');
    expect(error?.streamStarted).toBe(true);
  });

  it('fails with bad_response on malformed event JSON', async () => {
    reply = {
      headers: { 'content-type': 'text/event-stream' },
      body: [...sse([messageStart]), 'event: content_block_start\ndata: {"type":\n\n'],
    };
    const { error } = await collect();
    expect(error?.code).toBe('bad_response');
    expect(error?.status).toBe(502);
    expect(error?.streamStarted).toBe(true);
  });

  it('fails with bad_response on a known event with the wrong shape', async () => {
    reply = {
      headers: { 'content-type': 'text/event-stream' },
      body: sse([
        messageStart,
        { type: 'content_block_delta', index: 0, delta: { type: 'text_delta', text: 5 } },
      ]),
    };
    const { chunks, error } = await collect();
    expect(chunks).toHaveLength(1);
    expect(error?.code).toBe('bad_response');
    expect(error?.message).toBe('Anthropic sent a content_block_delta event this adapter cannot read.');
  });

  it('ignores event types it does not know', async () => {
    reply = {
      headers: { 'content-type': 'text/event-stream' },
      body: sse([
        messageStart,
        { type: 'future_event', index: 3 },
        { type: 'message_delta', delta: { stop_reason: 'end_turn' }, usage: { output_tokens: 1 } },
        { type: 'message_stop' },
      ]),
    };
    const { chunks, error } = await collect();
    expect(error).toBeUndefined();
    expect(chunks.map((chunk) => chunk.choices[0]?.finish_reason ?? null)).toStrictEqual([
      null,
      'stop',
      null,
    ]);
  });
});
