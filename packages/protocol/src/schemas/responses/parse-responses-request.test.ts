import { describe, expect, it } from 'vitest';
import { BadRequestError } from '../../errors/protocol-error.js';
import { safeParseResponsesRequest } from './parse-responses-request.js';

function refusal(body: unknown): { param: string | null; message: string } {
  const result = safeParseResponsesRequest(body);
  if (result.success) throw new Error('expected a refusal');
  expect(BadRequestError.isInstance(result.error)).toBe(true);
  return { param: result.error.param, message: result.error.message };
}

describe('parseResponsesRequest', () => {
  it('accepts a string input and a full item list, typing messages that leave out `type`', () => {
    const result = safeParseResponsesRequest({
      model: 'm',
      instructions: 'Be brief',
      input: [
        { role: 'user', content: 'Weather in Paris?' },
        { type: 'function_call', call_id: 'call_1', name: 'get_weather', arguments: '{"city":"Paris"}' },
        { type: 'function_call_output', call_id: 'call_1', output: '{"temp":20}' },
        { type: 'reasoning', summary: [{ type: 'summary_text', text: 'thought' }] },
        {
          role: 'user',
          content: [
            { type: 'input_text', text: 'and' },
            { type: 'input_image', image_url: 'https://x/y.png' },
          ],
        },
      ],
      tools: [{ type: 'function', name: 'get_weather', parameters: { type: 'object' }, strict: true }],
      tool_choice: { type: 'function', name: 'get_weather' },
      text: { format: { type: 'json_schema', name: 'out', schema: { type: 'object' } } },
      reasoning: { effort: 'low', summary: 'auto' },
      max_output_tokens: 100,
      x_vendor: 1,
    });
    expect(result.success).toBe(true);
    if (!result.success) return;
    expect(result.data.input[0]).toMatchObject({ type: 'message', role: 'user' });
    expect((result.data as Record<string, unknown>).x_vendor).toBe(1);
    expect(safeParseResponsesRequest({ model: 'm', input: 'Hi' }).success).toBe(true);
  });

  it('names the field at fault', () => {
    expect(refusal({ input: 'x' })).toEqual({ param: 'model', message: 'model is required' });
    expect(refusal({ model: 'm', input: [{ type: 'function_call_output', output: 'x' }] }).param).toBe(
      'input[0].call_id',
    );
    expect(
      refusal({
        model: 'm',
        input: [{ type: 'function_call', call_id: 'c', name: 'f', arguments: { a: 1 } }],
      }),
    ).toEqual({
      param: 'input[0].arguments',
      message: 'input[0].arguments must be a JSON string, not an object: encode it with JSON.stringify',
    });
    expect(refusal({ model: 'm', input: 'x', tools: [{ type: 'web_search' }] })).toEqual({
      param: 'tools[0].type',
      message:
        "tools[0].type 'web_search' is not supported: this gateway runs function tools only (OpenAI's hosted tools run inside OpenAI)",
    });
    expect(refusal({ model: 'm', input: 'x', max_output_tokens: 0 }).param).toBe('max_output_tokens');
    expect(
      refusal({ model: 'm', input: 'x', text: { format: { type: 'json_schema', schema: {} } } }).param,
    ).toBe('text.format.name');
    expect(refusal({ model: 'm', input: 'x', tool_choice: 'required' })).toEqual({
      param: 'tool_choice',
      message: "tool_choice 'required' requires tools",
    });
    expect(
      refusal({
        model: 'm',
        input: 'x',
        tools: [{ type: 'function', name: 'f' }],
        tool_choice: { type: 'function', name: 'g' },
      }),
    ).toEqual({
      param: 'tool_choice.name',
      message: "tool_choice.name 'g' does not match any function in tools (f)",
    });
    expect(refusal({ model: 'm', input: 'x', background: true }).param).toBe('background');
    expect(refusal({ model: 'm', input: [{ role: 'robot', content: 'x' }] }).param).toBe('input[0].role');
  });

  it('never throws, whatever the body', () => {
    expect(refusal(null).message).toBe('Request body must be a JSON object (got null)');
    const hostile = new Proxy(
      {},
      {
        get: () => {
          throw new Error('boom');
        },
      },
    );
    expect(refusal(hostile).message).toBe('Request body could not be read as a Responses API request');
  });
});
