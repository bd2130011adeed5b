import { BadRequestError } from '@switchyard/protocol';
import { describe, expect, it } from 'vitest';
import { decodeMessagesRequest } from './decode-messages-request.js';

const headers: Record<string, string> = { 'anthropic-beta': 'interleaved-thinking-2025-05-14' };
const header = (name: string) => headers[name];
const base = { model: 'claude-sonnet-4-5', max_tokens: 512 };

function refusal(body: Record<string, unknown>): { param: string | null; message: string } {
  try {
    decodeMessagesRequest({ ...base, messages: [{ role: 'user', content: 'Hi' }], ...body }, header);
  } catch (error) {
    expect(BadRequestError.isInstance(error)).toBe(true);
    return { param: (error as BadRequestError).param, message: (error as BadRequestError).message };
  }
  throw new Error('expected a refusal');
}

describe('decodeMessagesRequest', () => {
  it('converts a Claude Code-shaped tool turn to the canonical request, keeping signatures and cache_control', () => {
    const body = {
      ...base,
      stream: true,
      system: [{ type: 'text', text: 'Be terse.', cache_control: { type: 'ephemeral' } }],
      metadata: { user_id: 'user_abc' },
      stop_sequences: ['</done>'],
      temperature: 0.5,
      top_k: 40,
      thinking: { type: 'enabled', budget_tokens: 2048 },
      tools: [{ name: 'read_file', description: 'Read a file', input_schema: { type: 'object' } }],
      tool_choice: { type: 'any', disable_parallel_tool_use: true },
      messages: [
        {
          role: 'user',
          content: [
            { type: 'text', text: 'Open a.txt' },
            { type: 'image', source: { type: 'base64', media_type: 'image/png', data: 'iVBO' } },
          ],
        },
        {
          role: 'assistant',
          content: [
            { type: 'thinking', thinking: 'Use the tool.', signature: 'sig-1' },
            { type: 'redacted_thinking', data: 'enc-1' },
            { type: 'tool_use', id: 'toolu_1', name: 'read_file', input: { path: 'a.txt' } },
          ],
        },
        {
          role: 'user',
          content: [
            {
              type: 'tool_result',
              tool_use_id: 'toolu_1',
              content: [{ type: 'text', text: 'hello' }],
              is_error: true,
              cache_control: { type: 'ephemeral' },
            },
            { type: 'text', text: 'Summarise.' },
          ],
        },
      ],
    };
    const { request, native } = decodeMessagesRequest(body, header);
    expect(native).toStrictEqual({ body, anthropicBeta: 'interleaved-thinking-2025-05-14' });
    expect(request).toStrictEqual({
      model: 'claude-sonnet-4-5',
      max_tokens: 512,
      stream: true,
      stream_options: { include_usage: true },
      temperature: 0.5,
      top_k: 40,
      stop: ['</done>'],
      user: 'user_abc',
      thinking: { type: 'enabled', budget_tokens: 2048 },
      tools: [
        {
          type: 'function',
          function: { name: 'read_file', description: 'Read a file', parameters: { type: 'object' } },
        },
      ],
      tool_choice: 'required',
      parallel_tool_calls: false,
      messages: [
        {
          role: 'system',
          content: [{ type: 'text', text: 'Be terse.', cache_control: { type: 'ephemeral' } }],
        },
        {
          role: 'user',
          content: [
            { type: 'text', text: 'Open a.txt' },
            { type: 'image_url', image_url: { url: 'data:image/png;base64,iVBO' } },
          ],
        },
        {
          role: 'assistant',
          content: null,
          tool_calls: [
            {
              id: 'toolu_1',
              type: 'function',
              function: { name: 'read_file', arguments: '{"path":"a.txt"}' },
            },
          ],
          reasoning_content: 'Use the tool.',
          reasoning_details: [
            {
              type: 'reasoning.text',
              text: 'Use the tool.',
              signature: 'sig-1',
              format: 'anthropic-claude-v1',
              index: 0,
            },
            { type: 'reasoning.encrypted', data: 'enc-1', format: 'anthropic-claude-v1', index: 1 },
          ],
        },
        {
          role: 'tool',
          tool_call_id: 'toolu_1',
          content: [{ type: 'text', text: 'hello' }],
          is_error: true,
          cache_control: { type: 'ephemeral' },
        },
        { role: 'user', content: [{ type: 'text', text: 'Summarise.' }] },
      ],
    });
  });

  it('maps tool_choice, thinking and a PDF document', () => {
    const { request } = decodeMessagesRequest(
      {
        ...base,
        tools: [{ name: 'f', input_schema: { type: 'object' } }],
        tool_choice: { type: 'tool', name: 'f' },
        thinking: { type: 'disabled' },
        messages: [
          {
            role: 'user',
            content: [
              {
                type: 'document',
                title: 'a.pdf',
                source: { type: 'base64', media_type: 'application/pdf', data: 'JVBE' },
              },
            ],
          },
        ],
      },
      header,
    );
    expect(request.tool_choice).toStrictEqual({ type: 'function', function: { name: 'f' } });
    expect(request.thinking).toStrictEqual({ type: 'disabled' });
    expect(request.messages[0]).toStrictEqual({
      role: 'user',
      content: [{ type: 'file', file: { file_data: 'data:application/pdf;base64,JVBE', filename: 'a.pdf' } }],
    });
  });

  it.each([
    [{ context_management: { edits: [] } }, 'context_management'],
    [{ tools: [{ type: 'web_search_20250305', name: 'web_search' }] }, 'tools[0].type'],
    [{ stop_sequences: ['a', 'b', 'c', 'd', 'e'] }, 'stop_sequences'],
    [{ metadata: { user_id: 'u', tenant: 't' } }, 'metadata.tenant'],
    [
      {
        messages: [
          {
            role: 'user',
            content: [
              {
                type: 'tool_result',
                tool_use_id: 't',
                content: [{ type: 'image', source: { type: 'url', url: 'https://x/y.png' } }],
              },
            ],
          },
        ],
      },
      'messages[0].content[0].content[0]',
    ],
    [
      {
        messages: [
          { role: 'user', content: [{ type: 'text', text: 'x', citations: [{ type: 'char_location' }] }] },
        ],
      },
      'messages[0].content[0].citations',
    ],
  ])('refuses %j with a 400 naming %s', (body, param) => {
    const error = refusal(body);
    expect(error.param).toBe(param);
    expect(error.message).toContain(`${param} is not supported by this gateway's /v1/messages`);
  });

  it('refuses bad input with the field path (the protocol schema)', () => {
    expect(refusal({ max_tokens: 0 })).toStrictEqual({
      param: 'max_tokens',
      message: 'max_tokens must be a positive integer (got 0)',
    });
  });
});

describe('decodeMessagesRequest for a model served natively', () => {
  it('forwards top-level fields the canonical request has no place for, as vendor fields', () => {
    const body = { ...base, messages: [{ role: 'user', content: 'Hi' }], context_management: { edits: [] } };
    const { request } = decodeMessagesRequest(body, header, (model) => model === 'claude-sonnet-4-5');
    expect((request as Record<string, unknown>).context_management).toStrictEqual({ edits: [] });
  });
});
