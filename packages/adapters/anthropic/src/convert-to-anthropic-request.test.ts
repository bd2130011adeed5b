import { parseChatCompletionRequest } from '@switchyard/protocol';
import { describe, expect, it } from 'vitest';
import { adapterContext, recordingLogger } from '../test/support/adapter-context.js';
import { captureRequests, TEST_API_KEY, text, user } from '../test/support/request-capture.js';
import { vectorReply } from '../test/support/upstream-server.js';

// Request translation, asserted on the JSON body the local upstream receives.

const { adapter, upstream, setReply, sentBody, rejected } = captureRequests();

describe('the HTTP request', () => {
  it('posts to {baseURL}/messages with x-api-key, anthropic-version and the request id', async () => {
    const body = await sentBody({ messages: [user('Hi')] });
    const request = upstream().requests[0];
    expect(request?.method).toBe('POST');
    expect(request?.url).toBe('/v1/messages');
    expect(request?.headers['x-api-key']).toBe(TEST_API_KEY);
    expect(request?.headers['anthropic-version']).toBe('2023-06-01');
    expect(request?.headers['content-type']).toBe('application/json');
    expect(request?.headers['x-request-id']).toBe('req-test-1');
    expect(request?.headers.authorization).toBeUndefined();
    expect(body).toStrictEqual({
      model: 'claude-sonnet-4-5',
      max_tokens: 4096,
      messages: [{ role: 'user', content: [text('Hi')] }],
    });
  });

  it('sends custom headers and anthropicVersion, and stream: true when streaming', async () => {
    setReply(vectorReply('anthropic-text.chunks.txt'));
    const request = parseChatCompletionRequest({
      model: 'claude-sonnet-4-5',
      messages: [user('Hi')],
      stream: true,
    });
    const stream = adapter({
      anthropicVersion: '2024-01-01',
      headers: { 'anthropic-beta': 'interleaved-thinking-2025-05-14' },
    }).stream!(request, adapterContext());
    for await (const _ of stream);
    const sent = upstream().requests[0];
    expect(sent?.headers['anthropic-version']).toBe('2024-01-01');
    expect(sent?.headers['anthropic-beta']).toBe('interleaved-thinking-2025-05-14');
    expect(upstream().lastBody().stream).toBe(true);
  });

  it('never writes the API key to the log', async () => {
    const logger = recordingLogger();
    const request = parseChatCompletionRequest({ model: 'claude-sonnet-4-5', messages: [user('Hi')] });
    await adapter().complete!(request, adapterContext({ logger }));
    setReply({
      status: 401,
      body: '{"type":"error","error":{"type":"authentication_error","message":"invalid x-api-key"}}',
    });
    await adapter().complete!(request, adapterContext({ logger })).catch(() => undefined);
    expect(logger.lines.length).toBeGreaterThan(0);
    expect(JSON.stringify(logger.lines)).not.toContain(TEST_API_KEY);
  });
});

describe('thinking', () => {
  it('enables thinking with the default budget added to max_tokens and drops temperature and top_p', async () => {
    const body = await sentBody({
      messages: [user('Hi')],
      thinking: { type: 'enabled' },
      temperature: 0.2,
      top_p: 0.5,
    });
    expect(body.thinking).toStrictEqual({ type: 'enabled', budget_tokens: 4096 });
    expect(body.max_tokens).toBe(4096 + 4096);
    expect(body).not.toHaveProperty('temperature');
    expect(body).not.toHaveProperty('top_p');
  });

  it('uses budget_tokens and adds it to the caller max_tokens', async () => {
    const body = await sentBody({
      messages: [user('Hi')],
      thinking: { type: 'enabled', budget_tokens: 2000 },
      max_tokens: 1000,
    });
    expect(body.thinking).toStrictEqual({ type: 'enabled', budget_tokens: 2000 });
    expect(body.max_tokens).toBe(3000);
  });

  it('derives the budget from reasoning_effort', async () => {
    expect((await sentBody({ messages: [user('Hi')], reasoning_effort: 'high' })).thinking).toStrictEqual({
      type: 'enabled',
      budget_tokens: 16_384,
    });
    expect((await sentBody({ messages: [user('Hi')], reasoning_effort: 'none' })).thinking).toStrictEqual({
      type: 'disabled',
    });
  });

  it('sends disabled when asked, and nothing for auto (the model default)', async () => {
    expect(
      (await sentBody({ messages: [user('Hi')], thinking: { type: 'disabled' } })).thinking,
    ).toStrictEqual({
      type: 'disabled',
    });
    expect(await sentBody({ messages: [user('Hi')], thinking: { type: 'auto' } })).not.toHaveProperty(
      'thinking',
    );
  });

  it('refuses a budget below 1024', async () => {
    const error = await rejected({
      messages: [user('Hi')],
      thinking: { type: 'enabled', budget_tokens: 500 },
    });
    expect(error.param).toBe('thinking.budget_tokens');
  });

  it('refuses thinking with a forced tool choice', async () => {
    const error = await rejected({
      messages: [user('Hi')],
      thinking: { type: 'enabled' },
      tools: [{ type: 'function', function: { name: 'calc' } }],
      tool_choice: 'required',
    });
    expect(error.param).toBe('tool_choice');
  });
});

describe('tool_choice and parallel_tool_calls', () => {
  const tools = [
    {
      type: 'function',
      function: { name: 'a', description: 'Tool A', parameters: { type: 'object', properties: {} } },
    },
    { type: 'function', function: { name: 'b' } },
  ];

  it.each([
    ['auto', { type: 'auto' }],
    ['required', { type: 'any' }],
    ['none', { type: 'none' }],
    [
      { type: 'function', function: { name: 'b' } },
      { type: 'tool', name: 'b' },
    ],
  ])('maps %j to %j', async (choice, expected) => {
    const body = await sentBody({ messages: [user('Hi')], tools, tool_choice: choice });
    expect(body.tool_choice).toStrictEqual(expected);
    expect((body.tools as unknown[]).length).toBe(2);
  });

  it('leaves tool_choice out by default and converts descriptions', async () => {
    const body = await sentBody({ messages: [user('Hi')], tools });
    expect(body).not.toHaveProperty('tool_choice');
    expect(body.tools).toStrictEqual([
      { name: 'a', description: 'Tool A', input_schema: { type: 'object', properties: {} } },
      { name: 'b', input_schema: { type: 'object', properties: {} } },
    ]);
  });

  it('maps parallel_tool_calls: false to disable_parallel_tool_use', async () => {
    expect(
      (await sentBody({ messages: [user('Hi')], tools, parallel_tool_calls: false })).tool_choice,
    ).toStrictEqual({
      type: 'auto',
      disable_parallel_tool_use: true,
    });
    expect(
      (await sentBody({ messages: [user('Hi')], tools, tool_choice: 'required', parallel_tool_calls: false }))
        .tool_choice,
    ).toStrictEqual({ type: 'any', disable_parallel_tool_use: true });
  });

  it('narrows tools to an allowed_tools subset', async () => {
    const body = await sentBody({
      messages: [user('Hi')],
      tools,
      tool_choice: {
        type: 'allowed_tools',
        allowed_tools: { mode: 'required', tools: [{ type: 'function', function: { name: 'b' } }] },
      },
    });
    expect(body.tools).toStrictEqual([{ name: 'b', input_schema: { type: 'object', properties: {} } }]);
    expect(body.tool_choice).toStrictEqual({ type: 'any' });
  });
});

describe('sampling and limits', () => {
  it('clamps temperature to 1 and forwards top_p, top_k and stop sequences', async () => {
    const body = await sentBody({ messages: [user('Hi')], temperature: 1.7, stop: 'END', top_k: 40 });
    expect(body.temperature).toBe(1);
    expect(body.top_k).toBe(40);
    expect(body.stop_sequences).toStrictEqual(['END']);
    const withTopP = await sentBody({ messages: [user('Hi')], top_p: 0.9, stop: ['a', 'b'] });
    expect(withTopP.top_p).toBe(0.9);
    expect(withTopP.stop_sequences).toStrictEqual(['a', 'b']);
  });

  it('drops top_p: 1 (the default) next to temperature, which recent models reject together', async () => {
    const body = await sentBody({ messages: [user('Hi')], temperature: 0.5, top_p: 1 });
    expect(body.temperature).toBe(0.5);
    expect(body).not.toHaveProperty('top_p');
    const both = await sentBody({ messages: [user('Hi')], temperature: 0.5, top_p: 0.8 });
    expect([both.temperature, both.top_p]).toStrictEqual([0.5, 0.8]);
  });

  it('prefers max_completion_tokens, then max_tokens, then defaultMaxTokens', async () => {
    expect(
      (await sentBody({ messages: [user('Hi')], max_tokens: 50, max_completion_tokens: 70 })).max_tokens,
    ).toBe(70);
    expect((await sentBody({ messages: [user('Hi')], max_tokens: 50 })).max_tokens).toBe(50);
    expect((await sentBody({ messages: [user('Hi')] }, { defaultMaxTokens: 1234 })).max_tokens).toBe(1234);
  });

  it('sends user (or safety_identifier) as metadata.user_id', async () => {
    expect(
      (await sentBody({ messages: [user('Hi')], user: 'u-1', safety_identifier: 's-1' })).metadata,
    ).toStrictEqual({
      user_id: 'u-1',
    });
    expect((await sentBody({ messages: [user('Hi')], safety_identifier: 's-1' })).metadata).toStrictEqual({
      user_id: 's-1',
    });
  });

  it('accepts and ignores fields without an Anthropic counterpart', async () => {
    const body = await sentBody({
      messages: [user('Hi')],
      store: true,
      metadata: { a: 'b' },
      service_tier: 'auto',
      prompt_cache_key: 'k',
      verbosity: 'low',
      n: 1,
      logprobs: false,
      presence_penalty: 0,
      logit_bias: {},
    });
    expect(body).toStrictEqual({
      model: 'claude-sonnet-4-5',
      max_tokens: 4096,
      messages: [{ role: 'user', content: [text('Hi')] }],
    });
  });

  it.each([
    [{ n: 2 }, 'n'],
    [{ logprobs: true }, 'logprobs'],
    [{ logprobs: true, top_logprobs: 2 }, 'logprobs'],
    [{ logit_bias: { '42': 5 } }, 'logit_bias'],
    [{ seed: 7 }, 'seed'],
    [{ presence_penalty: 0.5 }, 'presence_penalty'],
    [{ frequency_penalty: -1 }, 'frequency_penalty'],
    [{ modalities: ['text', 'audio'] }, 'modalities'],
    [{ prediction: { type: 'content', content: 'x' } }, 'prediction'],
    [{ web_search_options: {} }, 'web_search_options'],
  ])('refuses %j with a 400 naming %s', async (fields, param) => {
    const error = await rejected({ messages: [user('Hi')], ...fields });
    expect(error.param).toBe(param);
    expect(error.code).toBe('unsupported_parameter');
    expect(error.status).toBe(400);
  });
});

describe('response_format', () => {
  const schema = {
    type: 'object',
    properties: {
      city: { type: 'string' },
      tags: { type: 'array', items: { type: 'object', properties: { t: { type: 'string' } } } },
    },
    required: ['city'],
  };
  const closedSchema = {
    type: 'object',
    properties: {
      city: { type: 'string' },
      tags: {
        type: 'array',
        items: { type: 'object', properties: { t: { type: 'string' } }, additionalProperties: false },
      },
    },
    required: ['city'],
    additionalProperties: false,
  };

  it('uses native output_config.format on models with structured outputs', async () => {
    const body = await sentBody({
      model: 'claude-sonnet-4-5-20250929',
      messages: [user('Paris')],
      response_format: { type: 'json_schema', json_schema: { name: 'place', schema } },
    });
    expect(body.output_config).toStrictEqual({ format: { type: 'json_schema', schema: closedSchema } });
    expect(body).not.toHaveProperty('tools');
  });

  it('uses a forced json tool on older models, and with structuredOutputs: "tool"', async () => {
    const expectedTool = { name: 'json', description: 'A place', input_schema: schema };
    const body = await sentBody({
      model: 'claude-3-5-haiku-20241022',
      messages: [user('Paris')],
      response_format: {
        type: 'json_schema',
        json_schema: { name: 'place', description: 'A place', schema },
      },
    });
    expect(body.tools).toStrictEqual([expectedTool]);
    expect(body.tool_choice).toStrictEqual({ type: 'tool', name: 'json' });
    expect(body).not.toHaveProperty('output_config');
    const forced = await sentBody(
      {
        messages: [user('Paris')],
        response_format: {
          type: 'json_schema',
          json_schema: { name: 'place', description: 'A place', schema },
        },
      },
      { structuredOutputs: 'tool' },
    );
    expect(forced.tools).toStrictEqual([expectedTool]);
  });

  it('lets the model pick between the caller tools and the json tool', async () => {
    const body = await sentBody({
      model: 'claude-3-7-sonnet-latest',
      messages: [user('Paris')],
      tools: [{ type: 'function', function: { name: 'lookup' } }],
      response_format: { type: 'json_object' },
    });
    expect(body.tools).toStrictEqual([
      { name: 'lookup', input_schema: { type: 'object', properties: {} } },
      {
        name: 'json',
        description: 'Respond with a JSON object.',
        input_schema: { type: 'object', properties: {} },
      },
    ]);
    expect(body.tool_choice).toStrictEqual({ type: 'any' });
  });

  it('instructs instead of forcing a tool for json_object with thinking on', async () => {
    const body = await sentBody({
      messages: [{ role: 'system', content: 'Be brief.' }, user('Paris')],
      thinking: { type: 'enabled' },
      response_format: { type: 'json_object' },
    });
    expect(body.system).toStrictEqual([
      text('Be brief.'),
      text('Respond with a single valid JSON object and nothing else: no prose, no code fences.'),
    ]);
    expect(body).not.toHaveProperty('tools');
  });

  it('refuses json_schema with thinking on a model without structured outputs', async () => {
    const error = await rejected({
      model: 'claude-3-7-sonnet-latest',
      messages: [user('Paris')],
      thinking: { type: 'enabled' },
      response_format: { type: 'json_schema', json_schema: { name: 'place', schema } },
    });
    expect(error.param).toBe('response_format');
  });

  it('refuses a caller tool named json when the json tool is needed', async () => {
    const error = await rejected({
      model: 'claude-3-7-sonnet-latest',
      messages: [user('Paris')],
      tools: [{ type: 'function', function: { name: 'json' } }],
      response_format: { type: 'json_object' },
    });
    expect(error.param).toBe('response_format');
  });
});
