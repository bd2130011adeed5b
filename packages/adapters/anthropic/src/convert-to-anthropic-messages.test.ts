import { describe, expect, it } from 'vitest';
import { captureRequests, text, user } from '../test/support/request-capture.js';

// Message translation, asserted on the JSON body the local upstream receives.

const { sentBody, rejected } = captureRequests();

describe('system and developer messages', () => {
  it('lifts a single system message to a top-level string', async () => {
    const body = await sentBody({ messages: [{ role: 'system', content: 'Be brief.' }, user('Hi')] });
    expect(body.system).toBe('Be brief.');
    expect(body.messages).toStrictEqual([{ role: 'user', content: [text('Hi')] }]);
  });

  it('lifts every system and developer message, in order, wherever it is', async () => {
    const body = await sentBody({
      messages: [
        { role: 'system', content: 'Be brief.' },
        { role: 'developer', content: [text('Answer in French.'), text('No emoji.')] },
        user('Hi'),
        { role: 'assistant', content: 'Bonjour' },
        { role: 'system', content: 'Now be formal.' },
        user('Ça va ?'),
      ],
    });
    expect(body.system).toStrictEqual([
      text('Be brief.'),
      text('Answer in French.'),
      text('No emoji.'),
      text('Now be formal.'),
    ]);
    expect(body.messages).toStrictEqual([
      { role: 'user', content: [text('Hi')] },
      { role: 'assistant', content: [text('Bonjour')] },
      { role: 'user', content: [text('Ça va ?')] },
    ]);
  });

  it('keeps cache_control on parts and messages', async () => {
    const body = await sentBody({
      messages: [
        {
          role: 'system',
          content: [{ type: 'text', text: 'Long rules', cache_control: { type: 'ephemeral' } }],
        },
        { role: 'user', content: 'Question', cache_control: { type: 'ephemeral', ttl: '1h' } },
      ],
    });
    expect(body.system).toStrictEqual([
      { type: 'text', text: 'Long rules', cache_control: { type: 'ephemeral' } },
    ]);
    expect(body.messages).toStrictEqual([
      {
        role: 'user',
        content: [{ type: 'text', text: 'Question', cache_control: { type: 'ephemeral', ttl: '1h' } }],
      },
    ]);
  });

  it('refuses a conversation with no user or assistant content', async () => {
    const error = await rejected({ messages: [{ role: 'system', content: 'Be brief.' }] });
    expect(error.param).toBe('messages');
    expect(error.status).toBe(400);
  });
});

describe('role alternation and tool results', () => {
  it('merges runs of the same role', async () => {
    const body = await sentBody({
      messages: [
        user('One'),
        user([text('Two'), text('Three')]),
        { role: 'assistant', content: 'A' },
        { role: 'assistant', content: 'B' },
        user('Four'),
      ],
    });
    expect(body.messages).toStrictEqual([
      { role: 'user', content: [text('One'), text('Two'), text('Three')] },
      { role: 'assistant', content: [text('A'), text('B')] },
      { role: 'user', content: [text('Four')] },
    ]);
  });

  it('turns tool calls into tool_use and tool messages into one user turn of tool_result blocks, results first', async () => {
    const body = await sentBody({
      tools: [
        {
          type: 'function',
          function: {
            name: 'get_weather',
            parameters: { type: 'object', properties: { city: { type: 'string' } } },
          },
        },
        { type: 'function', function: { name: 'get_time' } },
      ],
      messages: [
        user('Weather and time in Paris?'),
        {
          role: 'assistant',
          content: 'Let me check.',
          tool_calls: [
            {
              id: 'toolu_1',
              type: 'function',
              function: { name: 'get_weather', arguments: '{"city":"Paris"}' },
            },
            { id: 'toolu_2', type: 'function', function: { name: 'get_time', arguments: '' } },
          ],
        },
        user('Also, hurry.'),
        { role: 'tool', tool_call_id: 'toolu_1', content: '18°C, sunny' },
        { role: 'tool', tool_call_id: 'toolu_2', content: [text('14:00'), text('CET')], is_error: true },
      ],
    });
    expect(body.messages).toStrictEqual([
      { role: 'user', content: [text('Weather and time in Paris?')] },
      {
        role: 'assistant',
        content: [
          text('Let me check.'),
          { type: 'tool_use', id: 'toolu_1', name: 'get_weather', input: { city: 'Paris' } },
          { type: 'tool_use', id: 'toolu_2', name: 'get_time', input: {} },
        ],
      },
      {
        role: 'user',
        content: [
          { type: 'tool_result', tool_use_id: 'toolu_1', content: '18°C, sunny' },
          {
            type: 'tool_result',
            tool_use_id: 'toolu_2',
            content: [text('14:00'), text('CET')],
            is_error: true,
          },
          text('Also, hurry.'),
        ],
      },
    ]);
    expect(body.tools).toStrictEqual([
      { name: 'get_weather', input_schema: { type: 'object', properties: { city: { type: 'string' } } } },
      { name: 'get_time', input_schema: { type: 'object', properties: {} } },
    ]);
  });

  it('replays signed reasoning_details as thinking blocks before text and tool_use; unsigned reasoning is not sent', async () => {
    const body = await sentBody({
      thinking: { type: 'enabled' },
      tools: [{ type: 'function', function: { name: 'calc' } }],
      messages: [
        user('925 / 5?'),
        {
          role: 'assistant',
          content: null,
          reasoning_content: 'Divide.',
          reasoning_details: [
            {
              type: 'reasoning.text',
              text: 'Divide.',
              signature: 'sig-1',
              format: 'anthropic-claude-v1',
              index: 0,
            },
            { type: 'reasoning.encrypted', data: 'opaque', format: 'anthropic-claude-v1', index: 1 },
            {
              type: 'reasoning.text',
              text: 'from elsewhere',
              signature: 'x',
              format: 'openai-responses-v1',
              index: 2,
            },
          ],
          tool_calls: [
            { id: 'toolu_9', type: 'function', function: { name: 'calc', arguments: '{"a":925}' } },
          ],
        },
        { role: 'tool', tool_call_id: 'toolu_9', content: '185' },
        { role: 'assistant', content: 'It is 185.', reasoning_content: 'Unsigned GLM reasoning' },
        user('Thanks'),
      ],
    });
    expect(body.messages).toStrictEqual([
      { role: 'user', content: [text('925 / 5?')] },
      {
        role: 'assistant',
        content: [
          { type: 'thinking', thinking: 'Divide.', signature: 'sig-1' },
          { type: 'redacted_thinking', data: 'opaque' },
          { type: 'tool_use', id: 'toolu_9', name: 'calc', input: { a: 925 } },
        ],
      },
      { role: 'user', content: [{ type: 'tool_result', tool_use_id: 'toolu_9', content: '185' }] },
      { role: 'assistant', content: [text('It is 185.')] },
      { role: 'user', content: [text('Thanks')] },
    ]);
  });

  it('refuses tool call arguments that are not a JSON object', async () => {
    const error = await rejected({
      tools: [{ type: 'function', function: { name: 'calc' } }],
      messages: [
        user('x'),
        {
          role: 'assistant',
          content: null,
          tool_calls: [{ id: 't', type: 'function', function: { name: 'calc', arguments: '[1]' } }],
        },
        { role: 'tool', tool_call_id: 't', content: 'y' },
      ],
    });
    expect(error.param).toBe('messages[1].tool_calls[0].function.arguments');
  });

  it('replays an assistant refusal without content as text', async () => {
    const body = await sentBody({
      messages: [
        user('Do it'),
        { role: 'assistant', content: '', refusal: 'I cannot help with that.' },
        user('Why?'),
      ],
    });
    expect(body.messages).toStrictEqual([
      { role: 'user', content: [text('Do it')] },
      { role: 'assistant', content: [text('I cannot help with that.')] },
      { role: 'user', content: [text('Why?')] },
    ]);
  });

  it('trims the trailing whitespace of a final assistant prefill and leaves out empty text', async () => {
    const body = await sentBody({
      messages: [user([text(''), text('Count')]), { role: 'assistant', content: 'One, two, \n' }],
    });
    expect(body.messages).toStrictEqual([
      { role: 'user', content: [text('Count')] },
      { role: 'assistant', content: [text('One, two,')] },
    ]);
  });
});

describe('images and documents', () => {
  it('sends data: URLs as base64 images and http(s) URLs as url images', async () => {
    const body = await sentBody({
      messages: [
        user([
          text('Compare'),
          { type: 'image_url', image_url: { url: 'data:image/png;base64,iVBORw0KGgo=' } },
          { type: 'image_url', image_url: { url: 'https://example.com/cat.jpg', detail: 'high' } },
        ]),
      ],
    });
    expect(body.messages).toStrictEqual([
      {
        role: 'user',
        content: [
          text('Compare'),
          { type: 'image', source: { type: 'base64', media_type: 'image/png', data: 'iVBORw0KGgo=' } },
          { type: 'image', source: { type: 'url', url: 'https://example.com/cat.jpg' } },
        ],
      },
    ]);
  });

  it('sends PDF file_data as a document block', async () => {
    const body = await sentBody({
      messages: [
        user([
          { type: 'file', file: { file_data: 'data:application/pdf;base64,JVBERi0x', filename: 'a.pdf' } },
        ]),
      ],
    });
    expect(body.messages).toStrictEqual([
      {
        role: 'user',
        content: [
          {
            type: 'document',
            source: { type: 'base64', media_type: 'application/pdf', data: 'JVBERi0x' },
            title: 'a.pdf',
          },
        ],
      },
    ]);
  });

  it.each([
    [
      { type: 'image_url', image_url: { url: 'data:image/bmp;base64,Qk0=' } },
      'messages[0].content[0].image_url.url',
    ],
    [
      { type: 'image_url', image_url: { url: 'ftp://example.com/a.png' } },
      'messages[0].content[0].image_url.url',
    ],
    [{ type: 'input_audio', input_audio: { data: 'AAAA', format: 'wav' } }, 'messages[0].content[0]'],
    [{ type: 'file', file: { file_id: 'file-1' } }, 'messages[0].content[0].file'],
    [
      { type: 'file', file: { file_data: 'data:text/csv;base64,YSxi' } },
      'messages[0].content[0].file.file_data',
    ],
  ])('refuses %j with a 400 naming %s', async (part, param) => {
    const error = await rejected({ messages: [user([part])] });
    expect(error.param).toBe(param);
    expect(error.code).toBe('unsupported_parameter');
  });
});
