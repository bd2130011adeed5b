import type { ChatAdapter } from '@switchyard/adapter-kit';
import {
  collect,
  type ReceivedRequest,
  recordingLogger,
  serveBody,
  type TestUpstream,
  testAdapterContext,
  testChatRequest,
} from '@switchyard/adapter-kit/testing';
import { BadRequestError, ProtocolError } from '@switchyard/protocol';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { JSON_TYPE, SSE, startLocalUpstream } from '../test/support/local-upstream.js';
import { createOpenAICompatibleAdapter } from './openai-compatible-adapter.js';
import { deepseek, groq, openai, openrouter, token360, vllm } from './presets.js';

const COMPLETION = JSON.stringify({
  id: 'chatcmpl-1',
  object: 'chat.completion',
  created: 1,
  model: 'm',
  choices: [
    { index: 0, message: { role: 'assistant', content: 'ok' }, logprobs: null, finish_reason: 'stop' },
  ],
});
const STREAM =
  'data: {"id":"c","object":"chat.completion.chunk","created":1,"model":"m","choices":[{"index":0,"delta":{"role":"assistant","content":"ok"},"finish_reason":"stop"}]}\n\n' +
  'data: [DONE]\n\n';

let upstream: TestUpstream;
beforeAll(async () => {
  upstream = await startLocalUpstream();
});
afterAll(() => upstream.close());
afterEach(() => {
  upstream.requests.length = 0;
  delete process.env.SWITCHYARD_TEST_KEY;
});

/** Sends the request through the adapter and returns what the upstream received. */
async function sent(adapter: ChatAdapter, body: Record<string, unknown>): Promise<ReceivedRequest> {
  const request = testChatRequest(body);
  if (request.stream) {
    upstream.respond(serveBody(STREAM, SSE));
    await collect(adapter.stream!(request, testAdapterContext()));
  } else {
    upstream.respond(serveBody(COMPLETION, JSON_TYPE));
    await adapter.complete!(request, testAdapterContext());
  }
  expect(upstream.requests).toHaveLength(1);
  return upstream.requests.pop()!;
}

function generic(settings: Partial<Parameters<typeof createOpenAICompatibleAdapter>[0]> = {}) {
  return createOpenAICompatibleAdapter({ name: 'test', baseURL: upstream.baseURL, ...settings });
}

describe('the request body that reaches the upstream', () => {
  it('forwards every field the user sent, unknown ones included, byte for byte', async () => {
    const body = {
      model: 'glm-5.1',
      messages: [
        { role: 'system', content: 'Be brief.' },
        { role: 'user', content: [{ type: 'text', text: '你好 👋' }], x_note: 'kept' },
        {
          role: 'assistant',
          content: null,
          reasoning_content: 'earlier thoughts',
          tool_calls: [{ id: 'call_1', type: 'function', function: { name: 'f', arguments: '{"a":1}' } }],
        },
        { role: 'tool', tool_call_id: 'call_1', content: '42' },
      ],
      temperature: 0.3,
      max_tokens: 100,
      stop: ['END'],
      tools: [{ type: 'function', function: { name: 'f', parameters: { type: 'object', properties: {} } } }],
      tool_choice: 'auto',
      response_format: { type: 'json_object' },
      vendor_flag: { nested: [1, 2, 3] },
      top_k: 40,
    };
    const received = await sent(generic(), body);
    expect(received.method).toBe('POST');
    expect(received.path).toBe('/v1/chat/completions');
    expect(received.json).toStrictEqual(body);
  });

  it('streams always ask for usage, keeping the other stream options', async () => {
    const received = await sent(generic(), {
      stream: true,
      stream_options: { include_usage: false, include_obfuscation: false },
    });
    expect(received.json!.stream).toBe(true);
    expect(received.json!.stream_options).toStrictEqual({ include_usage: true, include_obfuscation: false });
    const plain = await sent(generic(), { stream: true });
    expect(plain.json!.stream_options).toStrictEqual({ include_usage: true });
  });

  it('non-stream requests carry no stream_options', async () => {
    const received = await sent(generic(), { stream: false });
    expect(received.json).toStrictEqual({
      model: 'test-model',
      messages: [{ role: 'user', content: 'Hi' }],
      stream: false,
    });
  });

  it('Token360: thinking is forwarded as is, `auto` included (Token360 documents it)', async () => {
    const adapter = token360({ baseURL: upstream.baseURL, apiKey: 'k' });
    const enabled = await sent(adapter, { thinking: { type: 'enabled', clear_thinking: false } });
    expect(enabled.json!.thinking).toStrictEqual({ type: 'enabled', clear_thinking: false });
    const disabled = await sent(adapter, { thinking: { type: 'disabled' } });
    expect(disabled.json!.thinking).toStrictEqual({ type: 'disabled' });
    const auto = await sent(adapter, { thinking: { type: 'auto' } });
    expect(auto.json!.thinking).toStrictEqual({ type: 'auto' });
  });

  it('upstreams with no `auto` mode get no `thinking` for `auto` (the model default), whatever their thinking quirk', async () => {
    for (const adapter of [
      generic(),
      deepseek({ baseURL: upstream.baseURL, apiKey: 'k' }),
      openrouter({ baseURL: upstream.baseURL, apiKey: 'k' }),
      vllm({ baseURL: upstream.baseURL }),
    ]) {
      const auto = await sent(adapter, { thinking: { type: 'auto' } });
      expect(auto.json).not.toHaveProperty('thinking');
      expect(auto.json).not.toHaveProperty('reasoning');
      expect(auto.json).not.toHaveProperty('chat_template_kwargs');
    }
    const forwarded = await sent(generic({ quirks: { thinkingAuto: 'forward' } }), {
      thinking: { type: 'auto' },
    });
    expect(forwarded.json!.thinking).toStrictEqual({ type: 'auto' });
  });

  it('OpenRouter: thinking becomes `reasoning`; a `reasoning` the user sent wins', async () => {
    const adapter = openrouter({
      baseURL: upstream.baseURL,
      apiKey: 'k',
      appName: 'Switchyard',
      appURL: 'https://x.dev',
    });
    const enabled = await sent(adapter, { thinking: { type: 'enabled', budget_tokens: 2048 } });
    expect(enabled.json).not.toHaveProperty('thinking');
    expect(enabled.json!.reasoning).toStrictEqual({ enabled: true, max_tokens: 2048 });
    expect(enabled.headers['x-title']).toBe('Switchyard');
    expect(enabled.headers['http-referer']).toBe('https://x.dev');
    const disabled = await sent(adapter, { thinking: { type: 'disabled' } });
    expect(disabled.json!.reasoning).toStrictEqual({ enabled: false });
    const own = await sent(adapter, { thinking: { type: 'enabled' }, reasoning: { effort: 'high' } });
    expect(own.json!.reasoning).toStrictEqual({ effort: 'high' });
    expect(own.json).not.toHaveProperty('thinking');
  });

  it('vLLM: thinking becomes chat_template_kwargs.enable_thinking', async () => {
    const adapter = vllm({ baseURL: upstream.baseURL });
    const off = await sent(adapter, { thinking: { type: 'disabled' }, chat_template_kwargs: { foo: 1 } });
    expect(off.json).not.toHaveProperty('thinking');
    expect(off.json!.chat_template_kwargs).toStrictEqual({ foo: 1, enable_thinking: false });
    const on = await sent(adapter, { thinking: { type: 'enabled' } });
    expect(on.json!.chat_template_kwargs).toStrictEqual({ enable_thinking: true });
  });

  it('upstreams without a thinking control answer a clear 400 and nothing is sent', async () => {
    for (const adapter of [
      openai({ baseURL: upstream.baseURL, apiKey: 'k' }),
      groq({ baseURL: upstream.baseURL, apiKey: 'k' }),
    ]) {
      const error = await adapter.complete!(
        testChatRequest({ thinking: { type: 'enabled' } }),
        testAdapterContext(),
      ).catch((e: unknown) => e);
      expect(BadRequestError.isInstance(error)).toBe(true);
      expect((error as ProtocolError).status).toBe(400);
      expect((error as ProtocolError).param).toBe('thinking');
      expect((error as ProtocolError).code).toBe('unsupported_parameter');
      expect(upstream.requests).toHaveLength(0);
    }
    // `auto` asks for the model default, which every upstream can honour.
    const auto = await sent(openai({ baseURL: upstream.baseURL, apiKey: 'k' }), {
      thinking: { type: 'auto' },
    });
    expect(auto.json).not.toHaveProperty('thinking');
  });

  it('OpenAI reasoning models: max_completion_tokens, sampling parameters left out with a warning', async () => {
    const adapter = openai({ baseURL: upstream.baseURL, apiKey: 'k' });
    const logger = recordingLogger();
    upstream.respond(serveBody(COMPLETION, JSON_TYPE));
    await adapter.complete!(
      testChatRequest({
        model: 'o4-mini',
        max_tokens: 500,
        temperature: 0.2,
        top_p: 0.9,
        presence_penalty: 0.1,
        frequency_penalty: 0.1,
        logit_bias: { '50256': -100 },
        reasoning_effort: 'low',
        seed: 7,
      }),
      testAdapterContext({ logger }),
    );
    expect(upstream.requests.pop()!.json).toStrictEqual({
      model: 'o4-mini',
      messages: [{ role: 'user', content: 'Hi' }],
      max_completion_tokens: 500,
      reasoning_effort: 'low',
      seed: 7,
    });
    expect(logger.lines.filter((line) => line.level === 'warn')).toStrictEqual([
      {
        level: 'warn',
        message: 'Left out parameters that OpenAI reasoning models reject.',
        fields: {
          provider: 'openai',
          model: 'o4-mini',
          dropped: ['temperature', 'top_p', 'presence_penalty', 'frequency_penalty', 'logit_bias'],
        },
      },
    ]);

    const gpt5 = await sent(adapter, { model: 'gpt-5-mini', max_tokens: 10, max_completion_tokens: 20 });
    expect(gpt5.json!.max_completion_tokens).toBe(20);
    expect(gpt5.json).not.toHaveProperty('max_tokens');
    const chat = await sent(adapter, { model: 'gpt-4o', max_tokens: 10, temperature: 0.5 });
    expect(chat.json).toMatchObject({ max_tokens: 10, temperature: 0.5 });
    const gpt5Chat = await sent(adapter, { model: 'gpt-5-chat-latest', max_tokens: 10, temperature: 0.5 });
    expect(gpt5Chat.json).toMatchObject({ max_tokens: 10, temperature: 0.5 });
    const noReasoning = await sent(adapter, { model: 'gpt-5.1', reasoning_effort: 'none', temperature: 0.5 });
    expect(noReasoning.json!.temperature).toBe(0.5);
  });

  it('OpenAI and Groq: earlier reasoning_content is not replayed; others replay it', async () => {
    const body = {
      messages: [
        { role: 'user', content: 'Hi' },
        { role: 'assistant', content: 'Hello', reasoning_content: 'greet back' },
        { role: 'user', content: 'Again' },
      ],
    };
    const dropped = await sent(openai({ baseURL: upstream.baseURL, apiKey: 'k' }), body);
    expect(dropped.json!.messages).toStrictEqual([
      { role: 'user', content: 'Hi' },
      { role: 'assistant', content: 'Hello' },
      { role: 'user', content: 'Again' },
    ]);
    const kept = await sent(token360({ baseURL: upstream.baseURL, apiKey: 'k' }), body);
    expect(kept.json!.messages).toStrictEqual(body.messages);
  });
});

describe('the headers that reach the upstream', () => {
  it('Bearer key read from the environment at request time, JSON content type, request id, custom headers', async () => {
    const adapter = generic({ apiKeyEnv: 'SWITCHYARD_TEST_KEY', headers: { 'X-Custom': 'yes' } });
    process.env.SWITCHYARD_TEST_KEY = 'sk-late-key';
    const json = await sent(adapter, {});
    expect(json.headers.authorization).toBe('Bearer sk-late-key');
    expect(json.headers['content-type']).toBe('application/json');
    expect(json.headers.accept).toBe('application/json');
    expect(json.headers['x-request-id']).toBe('req_test_1');
    expect(json.headers['x-custom']).toBe('yes');
    const stream = await sent(adapter, { stream: true });
    expect(stream.headers.accept).toBe('text/event-stream');
  });

  it('local servers get no Authorization header', async () => {
    const received = await sent(vllm({ baseURL: upstream.baseURL }), {});
    expect(received.headers).not.toHaveProperty('authorization');
  });

  it('a missing key fails before anything is sent (500, not retryable)', async () => {
    const adapter = generic({ apiKeyEnv: 'SWITCHYARD_TEST_KEY' });
    const error = (await adapter.complete!(testChatRequest({}), testAdapterContext()).catch(
      (e: unknown) => e,
    )) as ProtocolError;
    expect(ProtocolError.isInstance(error)).toBe(true);
    expect(error.status).toBe(500);
    expect(error.isRetryable).toBe(false);
    expect(error.message).toBe('The test adapter has no API key: set SWITCHYARD_TEST_KEY.');
    expect(upstream.requests).toHaveLength(0);
  });

  it('the key never reaches logs or error messages, even when the upstream echoes it', async () => {
    const key = 'sk-secret-0123456789';
    const logger = recordingLogger();
    const adapter = generic({ apiKey: key });
    upstream.respond(
      serveBody(
        JSON.stringify({
          error: {
            message: `Incorrect API key provided: ${key}.`,
            type: 'invalid_request_error',
            code: 'invalid_api_key',
          },
        }),
        JSON_TYPE,
        { status: 401 },
      ),
    );
    const error = (await adapter.complete!(testChatRequest({}), testAdapterContext({ logger })).catch(
      (e: unknown) => e,
    )) as ProtocolError;
    expect(upstream.requests.pop()!.headers.authorization).toBe(`Bearer ${key}`);
    expect(error.code).toBe('upstream_auth_failed');
    // The upstream's words are kept for the server's logs only, redacted.
    expect((error.cause as Error).message).toBe('Incorrect API key provided: [redacted].');
    expect(JSON.stringify(error.toEnvelope())).not.toContain(key);
    expect(logger.lines.length).toBeGreaterThan(0);
    expect(JSON.stringify(logger.lines)).not.toContain(key);
  });
});
