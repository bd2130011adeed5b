import { describe, expect, it } from 'vitest';
import { BadRequestError, ProtocolError } from '../errors/protocol-error.js';
import {
  parseChatCompletionRequest,
  safeParseChatCompletionRequest,
} from './parse-chat-completion-request.js';

const user = { role: 'user', content: 'hi' };
const base = { model: 'glm-5.1', messages: [user] };
const weatherTool = {
  type: 'function',
  function: {
    name: 'get_weather',
    description: 'Current weather',
    parameters: { type: 'object', properties: { city: { type: 'string' } }, required: ['city'] },
    strict: true,
  },
};
const toolTurn = [
  user,
  {
    role: 'assistant',
    content: null,
    tool_calls: [
      { id: 'call_1', type: 'function', function: { name: 'get_weather', arguments: '{"city":"Paris"}' } },
    ],
  },
];
const req = (extra: Record<string, unknown>) => ({ ...base, ...extra });

describe('parseChatCompletionRequest: valid requests', () => {
  const valid: [string, unknown][] = [
    [
      'the Token360 doc example',
      {
        model: 'glm-5.1',
        messages: [{ role: 'user', content: 'Reply with the exact text: Hello from Token360.' }],
        temperature: 0.1,
        max_tokens: 20,
      },
    ],
    [
      'every role, with names',
      req({
        messages: [
          { role: 'developer', content: 'be brief', name: 'dev' },
          { role: 'system', content: [{ type: 'text', text: 'sys' }] },
          { role: 'user', content: 'hi', name: 'alice' },
          { role: 'assistant', content: 'hello', reasoning_content: 'thinking…' },
          { role: 'user', content: 'weather?' },
          ...toolTurn.slice(1),
          { role: 'tool', tool_call_id: 'call_1', content: '18°C' },
        ],
      }),
    ],
    [
      'user content parts of every kind',
      req({
        messages: [
          {
            role: 'user',
            content: [
              { type: 'text', text: 'Describe' },
              { type: 'image_url', image_url: { url: 'data:image/png;base64,AAAA', detail: 'low' } },
              { type: 'input_audio', input_audio: { data: 'UklGRg==', format: 'wav' } },
              { type: 'file', file: { file_id: 'file-1' } },
              { type: 'file', file: { file_data: 'JVBERi0=', filename: 'a.pdf' } },
            ],
          },
        ],
      }),
    ],
    [
      'assistant refusal part and empty content with tool calls',
      req({
        messages: [
          user,
          { role: 'assistant', content: [{ type: 'refusal', refusal: 'no' }] },
          { ...toolTurn[1], content: '' },
          { role: 'tool', tool_call_id: 'call_1', content: [{ type: 'text', text: 'ok' }] },
        ],
      }),
    ],
    [
      'tools, named tool_choice, response_format json_schema, thinking',
      req({
        tools: [weatherTool, { type: 'function', function: { name: 'noop-1' } }],
        tool_choice: { type: 'function', function: { name: 'get_weather' } },
        parallel_tool_calls: false,
        response_format: {
          type: 'json_schema',
          json_schema: { name: 'answer', schema: { type: 'object', properties: {} }, strict: true },
        },
        thinking: { type: 'enabled', budget_tokens: 1024, clear_thinking: false },
        reasoning_effort: 'max',
      }),
    ],
    [
      'allowed_tools tool_choice',
      req({
        tools: [weatherTool],
        tool_choice: {
          type: 'allowed_tools',
          allowed_tools: {
            mode: 'required',
            tools: [{ type: 'function', function: { name: 'get_weather' } }],
          },
        },
      }),
    ],
    [
      'sampling fields at their limits and nulls',
      req({
        temperature: 2,
        top_p: 0,
        n: 128,
        presence_penalty: -2,
        frequency_penalty: 2,
        logit_bias: { '50256': -100, '13': 100 },
        logprobs: true,
        top_logprobs: 20,
        seed: Number.MAX_SAFE_INTEGER,
        stop: ['a', 'b', 'c', 'd'],
        max_completion_tokens: 1,
        stream: true,
        stream_options: { include_usage: true },
        user: 'u',
        metadata: { team: 'a' },
        service_tier: 'flex',
        store: false,
        max_tokens: null,
        response_format: null,
        tool_choice: 'none',
      }),
    ],
    ['thinking auto and disabled', req({ thinking: { type: 'auto' } })],
  ];

  it.each(valid)('accepts %s', (_name, body) => {
    const result = safeParseChatCompletionRequest(body);
    expect(result.success ? null : result.error.message).toBeNull();
  });

  it('keeps unknown top-level and nested fields so a gateway can forward them', () => {
    const body = req({
      top_k: 40,
      reasoning: { effort: 'high' },
      messages: [
        { role: 'user', content: [{ type: 'text', text: 'x', cache_control: { type: 'ephemeral' } }] },
      ],
    });
    const parsed = parseChatCompletionRequest(body) as Record<string, unknown>;
    expect(parsed.top_k).toBe(40);
    expect(parsed.reasoning).toEqual({ effort: 'high' });
    expect(parsed.messages).toEqual(body.messages);
  });

  it('drops a __proto__ key instead of letting it change the prototype', () => {
    const parsed = parseChatCompletionRequest(
      JSON.parse('{"model":"m","messages":[{"role":"user","content":"x"}],"__proto__":{"admin":true}}'),
    );
    expect(Object.getPrototypeOf(parsed)).toBe(Object.prototype);
    expect((parsed as Record<string, unknown>).admin).toBeUndefined();
    expect(({} as Record<string, unknown>).admin).toBeUndefined();
  });
});

describe('parseChatCompletionRequest: invalid requests', () => {
  const invalid: [unknown, string | null, string][] = [
    [null, null, 'Request body must be a JSON object (got null)'],
    [[base], null, 'Request body must be a JSON object (got an array)'],
    [{ messages: [user] }, 'model', 'model is required'],
    [req({ model: '' }), 'model', 'model must be a non-empty string'],
    [req({ messages: [] }), 'messages', 'messages must contain at least one message'],
    [req({ messages: 'hi' }), 'messages', "messages must be an array (got 'hi')"],
    [req({ messages: ['hi'] }), 'messages[0]', "messages[0] must be an object (got 'hi')"],
    [
      req({ messages: [{ role: 'bot', content: 'x' }] }),
      'messages[0].role',
      "Unrecognized role 'bot' at messages[0].role: expected one of developer, system, user, assistant, tool",
    ],
    [
      req({ messages: [{ content: 'x' }] }),
      'messages[0].role',
      'messages[0].role is required: expected one of developer, system, user, assistant, tool',
    ],
    [req({ messages: [{ role: 'user' }] }), 'messages[0].content', 'messages[0].content is required'],
    [
      req({ messages: [{ role: 'user', content: 5 }] }),
      'messages[0].content',
      'messages[0].content must be a string or an array (got 5)',
    ],
    [
      req({ messages: [{ role: 'user', content: [] }] }),
      'messages[0].content',
      'messages[0].content must contain at least one content part',
    ],
    [
      req({ messages: [{ role: 'user', content: [{ type: 'video' }] }] }),
      'messages[0].content[0].type',
      "Unrecognized type 'video' at messages[0].content[0].type: expected one of text, image_url, input_audio, file",
    ],
    [
      req({ messages: [{ role: 'user', content: [{ type: 'text', text: 'a' }, { type: 'text' }] }] }),
      'messages[0].content[1].text',
      'messages[0].content[1].text is required',
    ],
    [
      req({
        messages: [
          { role: 'user', content: [{ type: 'image_url', image_url: { url: 'u', detail: 'max' } }] },
        ],
      }),
      'messages[0].content[0].image_url.detail',
      "messages[0].content[0].image_url.detail must be one of 'auto', 'low', 'high' (got 'max')",
    ],
    [
      req({ messages: [{ role: 'user', content: [{ type: 'file', file: { filename: 'a.pdf' } }] }] }),
      'messages[0].content[0].file',
      'messages[0].content[0].file needs file_data or file_id',
    ],
    [
      req({ messages: [{ role: 'system', content: [{ type: 'image_url', image_url: { url: 'u' } }] }] }),
      'messages[0].content[0].type',
      "messages[0].content[0].type must be 'text' (got 'image_url')",
    ],
    [
      req({ messages: [user, { role: 'assistant', content: null }] }),
      'messages[1].content',
      'messages[1].content may be null only when the assistant message has tool_calls',
    ],
    [
      req({ messages: [user, { role: 'assistant', tool_calls: [] }] }),
      'messages[1].content',
      'messages[1].content is required for assistant messages without tool_calls',
    ],
    [
      req({
        messages: [
          user,
          {
            role: 'assistant',
            tool_calls: [{ id: 'c', type: 'function', function: { name: 'f', arguments: { a: 1 } } }],
          },
        ],
      }),
      'messages[1].tool_calls[0].function.arguments',
      'messages[1].tool_calls[0].function.arguments must be a JSON string, not an object: encode it with JSON.stringify',
    ],
    [
      req({ messages: [...toolTurn, { role: 'tool', content: '18°C' }] }),
      'messages[2].tool_call_id',
      'messages[2].tool_call_id is required for tool messages',
    ],
    [req({ temperature: 3 }), 'temperature', 'temperature must be between 0 and 2 (got 3)'],
    [req({ temperature: '1' }), 'temperature', "temperature must be a number (got '1')"],
    [req({ top_p: 1.5 }), 'top_p', 'top_p must be between 0 and 1 (got 1.5)'],
    [req({ presence_penalty: -3 }), 'presence_penalty', 'presence_penalty must be between -2 and 2 (got -3)'],
    [req({ n: 0 }), 'n', 'n must be an integer between 1 and 128 (got 0)'],
    [req({ n: 1.5 }), 'n', 'n must be an integer between 1 and 128 (got 1.5)'],
    [req({ max_tokens: 0 }), 'max_tokens', 'max_tokens must be a positive integer (got 0)'],
    [req({ max_tokens: 1e300 }), 'max_tokens', 'max_tokens must be a positive integer (got 1e+300)'],
    [req({ seed: 1.5 }), 'seed', 'seed must be an integer (got 1.5)'],
    [req({ stop: ['a', 'b', 'c', 'd', 'e'] }), 'stop', 'stop must contain 1 to 4 stop sequences'],
    [req({ stop: [] }), 'stop', 'stop must contain 1 to 4 stop sequences'],
    [req({ stop: 5 }), 'stop', 'stop must be a string or an array (got 5)'],
    [
      req({ logit_bias: { abc: 1 } }),
      'logit_bias',
      "logit_bias keys must be token ids such as '50256' (got 'abc')",
    ],
    [
      req({ logit_bias: { '12': 200 } }),
      'logit_bias["12"]',
      'logit_bias["12"] must be between -100 and 100 (got 200)',
    ],
    [
      req({ metadata: Object.fromEntries(Array.from({ length: 17 }, (_, i) => [`k${i}`, 'v'])) }),
      'metadata',
      'metadata may have at most 16 keys',
    ],
    [req({ metadata: { team: 5 } }), 'metadata.team', 'metadata.team must be a string (got 5)'],
    [
      req({ messages: [{ role: 'x'.repeat(10_000), content: 'x' }] }),
      'messages[0].role',
      `Unrecognized role '${'x'.repeat(40)}…' at messages[0].role: expected one of developer, system, user, assistant, tool`,
    ],
    [
      req({ logit_bias: { ['9'.repeat(100)]: 101 } }),
      `logit_bias["${'9'.repeat(64)}…"]`,
      `logit_bias["${'9'.repeat(64)}…"] must be between -100 and 100 (got 101)`,
    ],
    [req({ top_logprobs: 3 }), 'top_logprobs', 'top_logprobs requires logprobs to be true'],
    [
      req({ logprobs: true, top_logprobs: 21 }),
      'top_logprobs',
      'top_logprobs must be an integer between 0 and 20 (got 21)',
    ],
    [
      req({ stream_options: { include_usage: true } }),
      'stream_options',
      'stream_options is only allowed when stream is true',
    ],
    [
      req({ tools: [{ type: 'function', function: { name: 'get weather' } }] }),
      'tools[0].function.name',
      "tools[0].function.name must be 1 to 64 characters of a-z, A-Z, 0-9, '_' or '-' (got 'get weather')",
    ],
    [
      req({ tools: [{ type: 'function', function: { name: 'a'.repeat(65) } }] }),
      'tools[0].function.name',
      `tools[0].function.name must be 1 to 64 characters of a-z, A-Z, 0-9, '_' or '-' (got '${'a'.repeat(40)}…')`,
    ],
    [
      req({ tools: [{ type: 'custom', custom: { name: 'x' } }] }),
      'tools[0].type',
      "tools[0].type must be 'function' (got 'custom')",
    ],
    [
      req({ tools: [{ type: 'function', function: { name: 'f', parameters: { type: 'string' } } }] }),
      'tools[0].function.parameters.type',
      "tools[0].function.parameters.type must be 'object': the schema must describe a JSON object (got 'string')",
    ],
    [
      req({ tools: [{ type: 'function', function: { name: 'f', parameters: '{}' } }] }),
      'tools[0].function.parameters',
      "tools[0].function.parameters must be an object (got '{}')",
    ],
    [
      req({ tools: [weatherTool, weatherTool] }),
      'tools[1].function.name',
      "tools[1].function.name 'get_weather' is already defined by tools[0]",
    ],
    [req({ tool_choice: 'required' }), 'tool_choice', "tool_choice 'required' requires tools"],
    [
      req({ tool_choice: 'sometimes' }),
      'tool_choice',
      "tool_choice must be one of 'none', 'auto', 'required' (got 'sometimes')",
    ],
    [
      req({ tool_choice: 5 }),
      'tool_choice',
      "tool_choice must be one of 'none', 'auto', 'required' or an object (got 5)",
    ],
    [
      req({ tools: [weatherTool], tool_choice: { type: 'function', function: { name: 'get_time' } } }),
      'tool_choice.function.name',
      "tool_choice.function.name 'get_time' does not match any function in tools (get_weather)",
    ],
    [
      req({ tools: [weatherTool], tool_choice: { type: 'function' } }),
      'tool_choice.function',
      'tool_choice.function is required',
    ],
    [
      req({
        tools: [weatherTool],
        tool_choice: {
          type: 'allowed_tools',
          allowed_tools: { mode: 'auto', tools: [{ type: 'function', function: { name: 'nope' } }] },
        },
      }),
      'tool_choice.allowed_tools.tools[0].function.name',
      "tool_choice.allowed_tools.tools[0].function.name 'nope' does not match any function in tools (get_weather)",
    ],
    [
      req({ response_format: { type: 'xml' } }),
      'response_format.type',
      "Unrecognized type 'xml' at response_format.type: expected one of text, json_object, json_schema",
    ],
    [
      req({ response_format: { type: 'json_schema', json_schema: { schema: {} } } }),
      'response_format.json_schema.name',
      'response_format.json_schema.name is required',
    ],
    [
      req({ thinking: { type: 'on' } }),
      'thinking.type',
      "thinking.type must be one of 'enabled', 'disabled', 'auto' (got 'on')",
    ],
    [
      req({ reasoning_effort: 'extreme' }),
      'reasoning_effort',
      "reasoning_effort must be one of 'none', 'minimal', 'low', 'medium', 'high', 'xhigh', 'max' (got 'extreme')",
    ],
  ];

  it.each(invalid)('rejects %j', (body, param, message) => {
    const result = safeParseChatCompletionRequest(body);
    expect(result.success).toBe(false);
    if (result.success) return;
    expect({ param: result.error.param, message: result.error.message }).toStrictEqual({ param, message });
    expect(result.error).toBeInstanceOf(BadRequestError);
    expect(result.error.toEnvelope()).toStrictEqual({
      error: { message, type: 'invalid_request_error', param, code: 'invalid_request' },
    });
    expect(result.error.status).toBe(400);
  });

  it('throws the same BadRequestError from the throwing variant', () => {
    expect(() => parseChatCompletionRequest(req({ temperature: 3 }))).toThrow(
      expect.objectContaining({ param: 'temperature', code: 'invalid_request' }),
    );
  });

  it('turns a body whose getters throw into a BadRequestError', () => {
    const hostile = {
      model: 'm',
      get messages(): unknown {
        throw new TypeError('boom');
      },
    };
    const result = safeParseChatCompletionRequest(hostile);
    expect(result.success).toBe(false);
    if (!result.success) {
      expect(ProtocolError.isInstance(result.error)).toBe(true);
      expect(result.error.code).toBe('invalid_request');
    }
  });
});
