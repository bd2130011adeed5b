import Anthropic from '@anthropic-ai/sdk';
import { MESSAGES_DOOR, withNativeBody } from '@switchyard/adapter-kit';
import { BadRequestError, type ChatCompletion, RateLimitError } from '@switchyard/protocol';
import { describe, expect, it } from 'vitest';
import { encodeMessagesResponse } from './encode-messages-response.js';
import { encodeMessagesError } from './messages-error.js';

/** A real Anthropic SDK whose HTTP answer is the given status and JSON body (no network). */
function sdkAnswered(status: number, body: unknown): Anthropic {
  return new Anthropic({
    apiKey: 'test',
    maxRetries: 0,
    fetch: async () =>
      new Response(JSON.stringify(body), {
        status,
        headers: { 'content-type': 'application/json', 'request-id': 'req_1' },
      }),
  });
}

const params = { model: 'glm-5.1', max_tokens: 100, messages: [{ role: 'user' as const, content: 'Hi' }] };

const completion: ChatCompletion = {
  id: 'chatcmpl-1',
  object: 'chat.completion',
  created: 0,
  model: 'glm-5.1',
  choices: [
    {
      index: 0,
      message: {
        role: 'assistant',
        content: 'Checking.',
        reasoning_content: 'The user wants weather.',
        tool_calls: [
          { id: 'call_1', type: 'function', function: { name: 'weather', arguments: '{"city":"Paris"}' } },
        ],
      },
      finish_reason: 'tool_calls',
    },
  ],
  usage: {
    prompt_tokens: 100,
    completion_tokens: 20,
    total_tokens: 120,
    prompt_tokens_details: { cached_tokens: 60, cache_write_tokens: 10 },
  },
};

describe('encodeMessagesResponse', () => {
  it('encodes a completion the SDK reads as a typed Message', async () => {
    const message = await sdkAnswered(200, encodeMessagesResponse(completion, 'glm-5.1')).messages.create(
      params,
    );
    expect(message).toStrictEqual({
      id: 'msg_chatcmpl-1',
      type: 'message',
      role: 'assistant',
      model: 'glm-5.1',
      content: [
        { type: 'thinking', thinking: 'The user wants weather.', signature: '' },
        { type: 'text', text: 'Checking.' },
        { type: 'tool_use', id: 'call_1', name: 'weather', input: { city: 'Paris' } },
      ],
      stop_reason: 'tool_use',
      stop_sequence: null,
      usage: {
        input_tokens: 30,
        output_tokens: 20,
        cache_read_input_tokens: 60,
        cache_creation_input_tokens: 10,
      },
    });
  });

  it('keeps Anthropic signatures from reasoning_details', () => {
    const signed = structuredClone(completion);
    Object.assign(signed.choices[0]?.message ?? {}, {
      reasoning_details: [
        { type: 'reasoning.text', text: 'T', signature: 'sig', format: 'anthropic-claude-v1', index: 0 },
        { type: 'reasoning.encrypted', data: 'enc', format: 'anthropic-claude-v1', index: 1 },
      ],
    });
    const body = encodeMessagesResponse(signed, 'm') as { content: unknown[] };
    expect(body.content.slice(0, 2)).toStrictEqual([
      { type: 'thinking', thinking: 'T', signature: 'sig' },
      { type: 'redacted_thinking', data: 'enc' },
    ]);
  });

  it('relays a natively passed-through body as it is', () => {
    const native = { id: 'msg_native', type: 'message', content: [] };
    expect(
      encodeMessagesResponse(withNativeBody(structuredClone(completion), MESSAGES_DOOR, native), 'm'),
    ).toBe(native);
  });

  it('refuses tool arguments that are not a JSON object rather than inventing an input', () => {
    const broken = structuredClone(completion);
    const call = broken.choices[0]?.message.tool_calls?.[0];
    if (call) call.function.arguments = '{"city":';
    expect(() => encodeMessagesResponse(broken, 'm')).toThrow(/not a JSON object/);
  });
});

describe('encodeMessagesError', () => {
  it.each([
    [
      new BadRequestError({
        message: 'max_tokens is required',
        code: 'invalid_request',
        param: 'max_tokens',
      }),
      400,
      'invalid_request_error',
      Anthropic.BadRequestError,
    ],
    [
      new RateLimitError({ message: 'Budget spent', code: 'budget_exceeded' }),
      429,
      'rate_limit_error',
      Anthropic.RateLimitError,
    ],
  ])(
    'gives %s in Anthropic envelope and status, raised by the SDK as its typed error',
    async (error, status, type, Class) => {
      const answer = encodeMessagesError(error.with({ requestId: 'req_9' }));
      expect(answer).toStrictEqual({
        status,
        body: { type: 'error', error: { type, message: error.message }, request_id: 'req_9' },
      });
      const failure = await sdkAnswered(answer.status, answer.body)
        .messages.create(params)
        .catch((e: unknown) => e);
      expect(failure).toBeInstanceOf(Class);
      expect((failure as InstanceType<typeof Anthropic.APIError>).type).toBe(type);
    },
  );
});
