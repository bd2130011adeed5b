import { describe, expect, it } from 'vitest';
import { BadRequestError } from '../../errors/protocol-error.js';
import { parseMessagesCountTokensRequest, parseMessagesRequest } from './parse-messages-request.js';

const base = { model: 'claude-sonnet-4-5', max_tokens: 1024, messages: [{ role: 'user', content: 'Hi' }] };

function refusal(body: unknown): { param: string | null; message: string } {
  try {
    parseMessagesRequest(body);
  } catch (error) {
    expect(BadRequestError.isInstance(error)).toBe(true);
    const { param, message } = error as BadRequestError;
    return { param, message };
  }
  throw new Error('expected a refusal');
}

describe('parseMessagesRequest', () => {
  it('accepts every block kind, cache_control, tools, tool_choice and thinking (Claude Code shape)', () => {
    const body = {
      ...base,
      system: [{ type: 'text', text: 'You are terse.', cache_control: { type: 'ephemeral' } }],
      messages: [
        {
          role: 'user',
          content: [
            { type: 'text', text: 'Look', cache_control: { type: 'ephemeral', ttl: '1h' } },
            { type: 'image', source: { type: 'base64', media_type: 'image/png', data: 'iVBO' } },
            { type: 'document', source: { type: 'base64', media_type: 'application/pdf', data: 'JVBE' } },
          ],
        },
        {
          role: 'assistant',
          content: [
            { type: 'thinking', thinking: 'Hmm', signature: 'sig' },
            { type: 'redacted_thinking', data: 'enc' },
            { type: 'tool_use', id: 'toolu_1', name: 'get_weather', input: { city: 'Paris' } },
          ],
        },
        {
          role: 'user',
          content: [{ type: 'tool_result', tool_use_id: 'toolu_1', content: '18°C', is_error: false }],
        },
      ],
      tools: [
        { name: 'get_weather', input_schema: { type: 'object' }, cache_control: { type: 'ephemeral' } },
      ],
      tool_choice: { type: 'any', disable_parallel_tool_use: true },
      thinking: { type: 'enabled', budget_tokens: 2048 },
      metadata: { user_id: 'user_1' },
      stop_sequences: ['END'],
      stream: true,
      context_management: { edits: [] },
    };
    const parsed = parseMessagesRequest(body);
    expect(parsed.messages).toHaveLength(3);
    // Unknown fields are kept: the server decides what it can serve.
    expect((parsed as Record<string, unknown>).context_management).toStrictEqual({ edits: [] });
  });

  it.each([
    [{ ...base, max_tokens: undefined }, 'max_tokens', 'max_tokens must be a positive integer (got nothing)'],
    [{ ...base, model: '' }, 'model', 'model must be a non-empty string'],
    [{ ...base, messages: [] }, 'messages', 'messages must contain at least one message'],
    [
      { ...base, messages: [{ role: 'system', content: 'x' }] },
      'messages[0].role',
      "Unrecognized role 'system' at messages[0].role: expected one of user, assistant",
    ],
    [
      {
        ...base,
        messages: [{ role: 'user', content: [{ type: 'tool_use', id: 'a', name: 'b', input: {} }] }],
      },
      'messages[0].content[0].type',
      "Unrecognized type 'tool_use' at messages[0].content[0].type: expected one of text, image, document, tool_result",
    ],
    [
      {
        ...base,
        messages: [{ role: 'assistant', content: [{ type: 'tool_use', id: 'a', name: 'b', input: '{}' }] }],
      },
      'messages[0].content[0].input',
      "messages[0].content[0].input must be an object of arguments (got '{}')",
    ],
    [
      { ...base, thinking: { type: 'enabled', budget_tokens: 100 } },
      'thinking.budget_tokens',
      'thinking.budget_tokens must be at least 1024 (got 100)',
    ],
    [{ ...base, temperature: 1.5 }, 'temperature', 'temperature must be between 0 and 1 (got 1.5)'],
    [
      { ...base, tool_choice: { type: 'required' } },
      'tool_choice.type',
      "Unrecognized type 'required' at tool_choice.type: expected one of auto, any, tool, none",
    ],
  ])('refuses %j naming the field', (body, param, message) => {
    expect(refusal(body)).toStrictEqual({ param, message });
  });

  it('validates count_tokens bodies without max_tokens', () => {
    const { max_tokens: _, ...counting } = base;
    expect(parseMessagesCountTokensRequest(counting).model).toBe('claude-sonnet-4-5');
    expect(() => parseMessagesCountTokensRequest({ model: 'x' })).toThrow('messages is required');
  });
});
