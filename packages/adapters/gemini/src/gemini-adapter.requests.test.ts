import { recordingLogger, type TestUpstream, testAdapterContext } from '@switchyard/adapter-kit/testing';
import { type ChatCompletionRequest, ProtocolError } from '@switchyard/protocol';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { fixture, SSE_HEADERS, startLocalUpstream } from '../test/support/local-upstream.js';
import { createGeminiAdapter, type GeminiAdapterSettings } from './gemini-adapter.js';
import { SKIP_THOUGHT_SIGNATURE_VALIDATOR } from './gemini-thought-signature.js';

// What reaches the upstream: URL, headers and JSON body as received by a real local HTTP server.

let upstream: TestUpstream;
beforeEach(async () => {
  upstream = await startLocalUpstream((request) =>
    request.path.includes(':streamGenerateContent')
      ? { headers: SSE_HEADERS, body: fixture('streaming-success-basic-reply-short.txt') }
      : { body: fixture('google-text.json') },
  );
});
afterEach(() => upstream.close());

function adapter(settings: GeminiAdapterSettings = {}) {
  return createGeminiAdapter({ baseURL: upstream.baseURL, apiKey: 'secret-key-123', ...settings });
}

async function sentBody(request: Partial<ChatCompletionRequest>, settings?: GeminiAdapterSettings) {
  await adapter(settings).complete!(
    { model: 'gemini-2.5-flash', messages: [{ role: 'user', content: 'Hi' }], ...request },
    testAdapterContext(),
  );
  return JSON.parse(upstream.requests.at(-1)!.body);
}

async function rejection(request: Partial<ChatCompletionRequest>): Promise<ProtocolError> {
  try {
    await adapter().complete!(
      { model: 'gemini-2.5-flash', messages: [{ role: 'user', content: 'Hi' }], ...request },
      testAdapterContext(),
    );
  } catch (error) {
    if (ProtocolError.isInstance(error)) return error;
    throw error;
  }
  throw new Error('expected the request to be rejected');
}

/** A JSON Schema as a request carries it (the protocol's type lists only `type`). */
function schema(value: Record<string, unknown>): { type?: 'object' } {
  return value as { type?: 'object' };
}

describe('URL and headers', () => {
  it('posts generateContent with the key in x-goog-api-key, never in the URL or the logs', async () => {
    const logger = recordingLogger();
    const context = testAdapterContext({ requestId: 'req-42', logger });
    await adapter({ headers: { 'x-extra': 'yes' } }).complete!(
      { model: 'gemini-2.5-flash', messages: [{ role: 'user', content: 'Hi' }] },
      context,
    );
    const [received] = upstream.requests;
    expect(received?.method).toBe('POST');
    expect(received?.path).toBe('/v1beta/models/gemini-2.5-flash:generateContent');
    expect(received?.headers['x-goog-api-key']).toBe('secret-key-123');
    expect(received?.headers['content-type']).toBe('application/json');
    expect(received?.headers['x-request-id']).toBe('req-42');
    expect(received?.headers['x-extra']).toBe('yes');
    expect(received?.headers.authorization).toBeUndefined();
    expect(logger.lines.length).toBeGreaterThan(0);
    expect(JSON.stringify(logger.lines)).not.toContain('secret-key-123');
  });

  it('streams from streamGenerateContent?alt=sse', async () => {
    const chunks = [];
    for await (const chunk of adapter().stream!(
      { model: 'gemini-2.5-flash', stream: true, messages: [{ role: 'user', content: 'Hi' }] },
      testAdapterContext(),
    )) {
      chunks.push(chunk);
    }
    expect(chunks.length).toBeGreaterThan(0);
    expect(upstream.requests[0]?.path).toBe('/v1beta/models/gemini-2.5-flash:streamGenerateContent?alt=sse');
    expect(upstream.requests[0]?.headers.accept).toBe('text/event-stream');
  });

  it('keeps a full model resource name as the path', async () => {
    await sentBody({ model: 'tunedModels/my-model-7' });
    expect(upstream.requests[0]?.path).toBe('/v1beta/tunedModels/my-model-7:generateContent');
  });

  it('reads GEMINI_API_KEY when the request is made, not when the adapter is created', async () => {
    const previous = process.env.GEMINI_API_KEY;
    try {
      delete process.env.GEMINI_API_KEY;
      const lazy = createGeminiAdapter({ baseURL: upstream.baseURL });
      process.env.GEMINI_API_KEY = 'from-env';
      await lazy.complete!(
        { model: 'gemini-2.5-flash', messages: [{ role: 'user', content: 'Hi' }] },
        testAdapterContext(),
      );
      expect(upstream.requests[0]?.headers['x-goog-api-key']).toBe('from-env');
      delete process.env.GEMINI_API_KEY;
      const error = await lazy.complete!(
        { model: 'gemini-2.5-flash', messages: [{ role: 'user', content: 'Hi' }] },
        testAdapterContext(),
      ).catch((caught: unknown) => caught);
      expect(ProtocolError.isInstance(error)).toBe(true);
      expect((error as ProtocolError).status).toBe(500);
      expect((error as ProtocolError).message).toContain('GEMINI_API_KEY');
      expect(upstream.requests).toHaveLength(1);
    } finally {
      if (previous === undefined) delete process.env.GEMINI_API_KEY;
      else process.env.GEMINI_API_KEY = previous;
    }
  });
});

describe('conversation translation', () => {
  it('translates a full tool conversation', async () => {
    const body = await sentBody({
      messages: [
        { role: 'system', content: 'Be brief.' },
        { role: 'developer', content: [{ type: 'text', text: 'Use metric units.' }] },
        {
          role: 'user',
          content: [
            { type: 'text', text: 'Weather here and in the photo?' },
            { type: 'image_url', image_url: { url: 'data:image/png;base64,iVBORw0KGgo=' } },
            { type: 'image_url', image_url: { url: 'gs://bucket/photo.jpg' } },
            { type: 'input_audio', input_audio: { data: 'UklGRg==', format: 'wav' } },
            { type: 'file', file: { file_id: 'files/abc-123', filename: 'notes.pdf' } },
          ],
        },
        {
          role: 'assistant',
          content: null,
          reasoning_content: 'Two cities.',
          tool_calls: [
            {
              id: 'call_a',
              type: 'function',
              function: { name: 'get_weather', arguments: '{"city":"Paris"}' },
              extra_content: { google: { thought_signature: 'sig-a' } },
            },
            { id: 'call_b', type: 'function', function: { name: 'get_time', arguments: '' } },
          ],
        } as ChatCompletionRequest['messages'][number],
        { role: 'tool', tool_call_id: 'call_b', content: '12:00' },
        { role: 'tool', tool_call_id: 'call_a', content: [{ type: 'text', text: '18°C' }] },
        { role: 'system', content: 'Answer in French.' },
        { role: 'assistant', content: 'Il fait 18°C.' },
        { role: 'user', content: 'Merci' },
      ],
    });
    expect(body).toStrictEqual({
      systemInstruction: {
        parts: [{ text: 'Be brief.' }, { text: 'Use metric units.' }, { text: 'Answer in French.' }],
      },
      contents: [
        {
          role: 'user',
          parts: [
            { text: 'Weather here and in the photo?' },
            { inlineData: { mimeType: 'image/png', data: 'iVBORw0KGgo=' } },
            { fileData: { mimeType: 'image/jpeg', fileUri: 'gs://bucket/photo.jpg' } },
            { inlineData: { mimeType: 'audio/wav', data: 'UklGRg==' } },
            { fileData: { mimeType: 'application/pdf', fileUri: `${upstream.baseURL}/files/abc-123` } },
          ],
        },
        {
          role: 'model',
          parts: [
            { text: 'Two cities.', thought: true },
            {
              functionCall: { id: 'call_a', name: 'get_weather', args: { city: 'Paris' } },
              thoughtSignature: 'sig-a',
            },
            { functionCall: { id: 'call_b', name: 'get_time', args: {} } },
          ],
        },
        {
          role: 'user',
          parts: [
            {
              functionResponse: {
                id: 'call_b',
                name: 'get_time',
                response: { name: 'get_time', content: '12:00' },
              },
            },
            {
              functionResponse: {
                id: 'call_a',
                name: 'get_weather',
                response: { name: 'get_weather', content: '18°C' },
              },
            },
          ],
        },
        { role: 'model', parts: [{ text: 'Il fait 18°C.' }] },
        { role: 'user', parts: [{ text: 'Merci' }] },
      ],
    });
  });

  it('replays a message-level thought signature on the text it belongs to', async () => {
    const body = await sentBody({
      messages: [
        { role: 'user', content: 'Count the r' },
        {
          role: 'assistant',
          content: 'There are 3.',
          extra_content: { google: { thought_signature: 'sig-text' } },
        } as ChatCompletionRequest['messages'][number],
        { role: 'user', content: 'Sure?' },
      ],
    });
    expect(body.contents[1]).toStrictEqual({
      role: 'model',
      parts: [{ text: 'There are 3.', thoughtSignature: 'sig-text' }],
    });
  });

  it('sends the skip sentinel for a Gemini 3 function call whose signature was lost, and nothing for 2.5', async () => {
    const messages: ChatCompletionRequest['messages'] = [
      { role: 'user', content: 'Time?' },
      {
        role: 'assistant',
        content: null,
        tool_calls: [
          { id: 'c1', type: 'function', function: { name: 'now', arguments: '{}' } },
          { id: 'c2', type: 'function', function: { name: 'now', arguments: '{}' } },
        ],
      },
      { role: 'tool', tool_call_id: 'c1', content: 'noon' },
      { role: 'tool', tool_call_id: 'c2', content: 'noon' },
    ];
    const gemini3 = await sentBody({ model: 'gemini-3-pro-preview', messages });
    expect(gemini3.contents[1].parts).toStrictEqual([
      {
        functionCall: { id: 'c1', name: 'now', args: {} },
        thoughtSignature: SKIP_THOUGHT_SIGNATURE_VALIDATOR,
      },
      { functionCall: { id: 'c2', name: 'now', args: {} } },
    ]);
    const gemini25 = await sentBody({ model: 'gemini-2.5-flash', messages });
    expect(gemini25.contents[1].parts).toStrictEqual([
      { functionCall: { id: 'c1', name: 'now', args: {} } },
      { functionCall: { id: 'c2', name: 'now', args: {} } },
    ]);
  });

  it('puts the system text into the first user turn for Gemma, which takes no systemInstruction', async () => {
    const body = await sentBody({
      model: 'gemma-3-27b-it',
      messages: [
        { role: 'system', content: 'Be brief.' },
        { role: 'user', content: 'Hi' },
      ],
    });
    expect(body).toStrictEqual({
      contents: [{ role: 'user', parts: [{ text: 'Be brief.\n\n' }, { text: 'Hi' }] }],
    });
  });
});

describe('tools and tool_choice', () => {
  const tools: ChatCompletionRequest['tools'] = [
    {
      type: 'function',
      function: {
        name: 'get_weather',
        description: 'Weather for a city',
        parameters: schema({
          type: 'object',
          properties: {
            city: { type: 'string' },
            unit: { type: ['string', 'null'], enum: ['c', 'f', null] },
          },
          required: ['city'],
          additionalProperties: false,
        }),
      },
    },
    {
      type: 'function',
      function: { name: 'get_time', parameters: schema({ type: 'object', properties: {} }) },
    },
  ];
  const declarations = [
    {
      name: 'get_weather',
      description: 'Weather for a city',
      parameters: {
        type: 'OBJECT',
        properties: { city: { type: 'STRING' }, unit: { type: 'STRING', enum: ['c', 'f'], nullable: true } },
        required: ['city'],
      },
    },
    { name: 'get_time' },
  ];

  it('declares functions with converted schemas and no parameters for an empty object', async () => {
    const body = await sentBody({ tools });
    expect(body.tools).toStrictEqual([{ functionDeclarations: declarations }]);
    expect(body.toolConfig).toBeUndefined();
  });

  it.each([
    ['none', { mode: 'NONE' }],
    ['auto', { mode: 'AUTO' }],
    ['required', { mode: 'ANY' }],
    [
      { type: 'function', function: { name: 'get_time' } },
      { mode: 'ANY', allowedFunctionNames: ['get_time'] },
    ],
    [
      {
        type: 'allowed_tools',
        allowed_tools: { mode: 'required', tools: [{ type: 'function', function: { name: 'get_time' } }] },
      },
      { mode: 'ANY', allowedFunctionNames: ['get_time'] },
    ],
  ] as const)('tool_choice %j → functionCallingConfig %j', async (choice, config) => {
    const body = await sentBody({ tools, tool_choice: choice as ChatCompletionRequest['tool_choice'] });
    expect(body.toolConfig).toStrictEqual({ functionCallingConfig: config });
    expect(body.tools).toStrictEqual([{ functionDeclarations: declarations }]);
  });

  it('allowed_tools in auto mode declares only the allowed functions', async () => {
    const body = await sentBody({
      tools,
      tool_choice: {
        type: 'allowed_tools',
        allowed_tools: { mode: 'auto', tools: [{ type: 'function', function: { name: 'get_weather' } }] },
      },
    });
    expect(body.tools).toStrictEqual([{ functionDeclarations: [declarations[0]] }]);
    expect(body.toolConfig).toStrictEqual({ functionCallingConfig: { mode: 'AUTO' } });
  });
});

describe('generationConfig', () => {
  it('maps sampling, limits, stop, n, penalties, seed and json_schema', async () => {
    const body = await sentBody({
      temperature: 0.3,
      top_p: 0.9,
      max_completion_tokens: 256,
      max_tokens: 999,
      stop: 'END',
      n: 2,
      presence_penalty: 0.5,
      frequency_penalty: -0.5,
      seed: 7,
      response_format: {
        type: 'json_schema',
        json_schema: {
          name: 'answer',
          schema: schema({
            type: 'object',
            properties: { ok: { type: 'boolean' } },
            required: ['ok'],
            additionalProperties: false,
          }),
          strict: true,
        },
      },
    });
    expect(body.generationConfig).toStrictEqual({
      temperature: 0.3,
      topP: 0.9,
      maxOutputTokens: 256,
      stopSequences: ['END'],
      candidateCount: 2,
      presencePenalty: 0.5,
      frequencyPenalty: -0.5,
      seed: 7,
      responseMimeType: 'application/json',
      responseSchema: { type: 'OBJECT', properties: { ok: { type: 'BOOLEAN' } }, required: ['ok'] },
    });
  });

  it('asks for logprobs with responseLogprobs and the top count', async () => {
    expect((await sentBody({ logprobs: true, top_logprobs: 3 })).generationConfig).toStrictEqual({
      responseLogprobs: true,
      logprobs: 3,
    });
    expect((await sentBody({ logprobs: true })).generationConfig).toStrictEqual({ responseLogprobs: true });
  });

  it('maps json_object to a JSON MIME type only, and sends no generationConfig when nothing is set', async () => {
    expect(
      (await sentBody({ response_format: { type: 'json_object' }, max_tokens: 10 })).generationConfig,
    ).toStrictEqual({
      maxOutputTokens: 10,
      responseMimeType: 'application/json',
    });
    expect((await sentBody({ response_format: { type: 'text' } })).generationConfig).toBeUndefined();
  });

  it.each([
    ['gemini-2.5-flash', { thinking: { type: 'enabled' } }, { includeThoughts: true, thinkingBudget: -1 }],
    [
      'gemini-2.5-flash',
      { thinking: { type: 'enabled', budget_tokens: 2048 } },
      { includeThoughts: true, thinkingBudget: 2048 },
    ],
    ['gemini-2.5-flash', { thinking: { type: 'auto' } }, { includeThoughts: true }],
    ['gemini-2.5-flash', { thinking: { type: 'disabled' } }, { thinkingBudget: 0 }],
    ['gemini-2.5-flash', { reasoning_effort: 'none' }, { thinkingBudget: 0 }],
    ['gemini-2.5-flash', { reasoning_effort: 'low' }, { includeThoughts: true, thinkingBudget: 1024 }],
    ['gemini-2.5-pro', { reasoning_effort: 'high' }, { includeThoughts: true, thinkingBudget: 24576 }],
    ['gemini-3-pro-preview', { thinking: { type: 'enabled' } }, { includeThoughts: true }],
    ['gemini-3-pro-preview', { reasoning_effort: 'xhigh' }, { includeThoughts: true, thinkingLevel: 'high' }],
    [
      'gemini-3-flash-preview',
      { reasoning_effort: 'minimal' },
      { includeThoughts: true, thinkingLevel: 'minimal' },
    ],
    [
      'gemini-3-pro-preview',
      { thinking: { type: 'enabled', budget_tokens: 4096 } },
      { includeThoughts: true, thinkingBudget: 4096 },
    ],
    ['gemini-3-pro-preview', { thinking: { type: 'disabled' } }, { thinkingLevel: 'low' }],
  ] as const)('%s with %j → thinkingConfig %j', async (model, fields, thinkingConfig) => {
    const body = await sentBody({ model, ...(fields as Partial<ChatCompletionRequest>) });
    expect(body.generationConfig).toStrictEqual({ thinkingConfig });
  });
});

describe('requests Gemini cannot serve are rejected with a 400 before any upstream call', () => {
  it.each([
    [
      'unknown tool_call_id',
      { messages: [{ role: 'tool', tool_call_id: 'nope', content: 'x' }] },
      'messages[0].tool_call_id',
      'invalid_request',
    ],
    [
      'http image URL',
      {
        messages: [
          {
            role: 'user',
            content: [{ type: 'image_url', image_url: { url: 'https://example.com/cat.png' } }],
          },
        ],
      },
      'messages[0].content[0].image_url.url',
      'unsupported_parameter',
    ],
    [
      'tool arguments that are not a JSON object',
      {
        messages: [
          { role: 'user', content: 'x' },
          {
            role: 'assistant',
            content: null,
            tool_calls: [{ id: 'c', type: 'function', function: { name: 'f', arguments: '[1]' } }],
          },
        ],
      },
      'messages[1].tool_calls[0].function.arguments',
      'invalid_request',
    ],
    ['logit_bias', { logit_bias: { '42': 5 } }, 'logit_bias', 'unsupported_parameter'],
    ['audio output', { modalities: ['text', 'audio'] }, 'modalities', 'unsupported_parameter'],
    // A field the adapter does not translate is refused, not dropped (adapter-kit's rejectUnknownFields).
    ['a field Gemini has no place for', { top_k: 5 } as never, 'top_k', 'unsupported_parameter'],
    ['an invalid model name', { model: '../admin' }, 'model', 'invalid_request'],
    [
      'a recursive tool schema',
      {
        tools: [
          {
            type: 'function',
            function: {
              name: 'tree',
              parameters: { type: 'object', properties: { child: { $ref: '#' } } },
            },
          },
        ],
      },
      'tools[0].function.parameters',
      'invalid_request',
    ],
  ] as const)('%s', async (_name, fields, param, code) => {
    const error = await rejection(fields as Partial<ChatCompletionRequest>);
    expect(error.status).toBe(400);
    expect(error.param).toBe(param);
    expect(error.code).toBe(code);
    expect(error.type).toBe('invalid_request_error');
    expect(upstream.requests).toHaveLength(0);
  });
});
