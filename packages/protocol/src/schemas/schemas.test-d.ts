import { describe, expectTypeOf, it } from 'vitest';
import type {
  AssistantMessage,
  ChatCompletion,
  ChatCompletionChunk,
  ChatCompletionRequest,
  ChatMessage,
  FinishReason,
  ResponseFormat,
  Tool,
  ToolCall,
  ToolCallDelta,
  ToolChoice,
  Usage,
  UserContentPart,
} from './index.js';
import { ChatCompletionChunkSchema, ChatCompletionSchema, parseChatCompletionRequest } from './index.js';

describe('request types', () => {
  it('parses to ChatCompletionRequest', () => {
    expectTypeOf(parseChatCompletionRequest).returns.toEqualTypeOf<ChatCompletionRequest>();
    expectTypeOf<ChatCompletionRequest['model']>().toEqualTypeOf<string>();
    expectTypeOf<ChatCompletionRequest['messages']>().toEqualTypeOf<ChatMessage[]>();
  });

  it('narrows messages by role', () => {
    expectTypeOf<ChatMessage['role']>().toEqualTypeOf<
      'developer' | 'system' | 'user' | 'assistant' | 'tool'
    >();
    expectTypeOf<Extract<ChatMessage, { role: 'tool' }>['tool_call_id']>().toEqualTypeOf<string>();
    expectTypeOf<Extract<ChatMessage, { role: 'user' }>['content']>().toEqualTypeOf<
      string | UserContentPart[]
    >();
    type Assistant = Extract<ChatMessage, { role: 'assistant' }>;
    expectTypeOf<Assistant['tool_calls']>().toEqualTypeOf<
      { id: string; type: 'function'; function: { name: string; arguments: string } }[] | null | undefined
    >();
    expectTypeOf<Assistant['content']>().toExtend<string | null | undefined | unknown[]>();
  });

  it('is closed: object literals with typos do not compile', () => {
    const ok: ChatCompletionRequest = {
      model: 'm',
      messages: [{ role: 'user', content: 'hi' }],
      temperature: 1,
    };
    expectTypeOf(ok).toEqualTypeOf<ChatCompletionRequest>();
    // @ts-expect-error: unknown field
    const typo: ChatCompletionRequest = { model: 'm', messages: [], temprature: 1 };
    expectTypeOf(typo).toEqualTypeOf<ChatCompletionRequest>();
    const args: ChatMessage = {
      role: 'assistant',
      // @ts-expect-error: arguments is a JSON string
      tool_calls: [{ id: 'c', type: 'function', function: { name: 'f', arguments: {} } }],
    };
    expectTypeOf(args).toEqualTypeOf<ChatMessage>();
  });

  it('keeps maps as maps', () => {
    expectTypeOf<ChatCompletionRequest['metadata']>().toEqualTypeOf<
      Record<string, string> | null | undefined
    >();
    expectTypeOf<ChatCompletionRequest['logit_bias']>().toEqualTypeOf<
      Record<string, number> | null | undefined
    >();
    expectTypeOf<NonNullable<Usage['cost_details']>>().toExtend<Record<string, unknown>>();
    expectTypeOf<{ upstream_inference_cost: number }>().toExtend<NonNullable<Usage['cost_details']>>();
  });

  it('types tool_choice and thinking', () => {
    expectTypeOf<'required'>().toExtend<ToolChoice>();
    expectTypeOf<{ type: 'function'; function: { name: string } }>().toExtend<ToolChoice>();
    expectTypeOf<NonNullable<ChatCompletionRequest['thinking']>['type']>().toEqualTypeOf<
      'enabled' | 'disabled' | 'auto'
    >();
  });
});

describe('response types', () => {
  it('accepts schema output where the exported types are expected', () => {
    const completion: ChatCompletion = ChatCompletionSchema.parse({});
    const chunk: ChatCompletionChunk = ChatCompletionChunkSchema.parse({});
    expectTypeOf(completion.choices[0]?.message.content).toEqualTypeOf<string | null | undefined>();
    expectTypeOf(chunk.choices[0]?.delta.content).toEqualTypeOf<string | null | undefined>();
  });

  it('keeps known finish reasons visible but accepts any string', () => {
    type Reason = ChatCompletion['choices'][number]['finish_reason'];
    expectTypeOf<
      'stop' | 'length' | 'tool_calls' | 'content_filter' | 'function_call'
    >().toEqualTypeOf<FinishReason>();
    expectTypeOf<FinishReason>().toExtend<Reason>();
    expectTypeOf<'sensitive'>().toExtend<Reason>();
    expectTypeOf<null>().not.toExtend<Reason>();
    expectTypeOf<null>().toExtend<ChatCompletionChunk['choices'][number]['finish_reason']>();
  });

  it('makes provider-dropped fields nullish', () => {
    expectTypeOf<AssistantMessage['content']>().toEqualTypeOf<string | null | undefined>();
    expectTypeOf<AssistantMessage['tool_calls']>().toEqualTypeOf<ToolCall[] | null | undefined>();
    expectTypeOf<ToolCall['function']['arguments']>().toEqualTypeOf<string>();
    expectTypeOf<ToolCallDelta['index']>().toEqualTypeOf<number | null | undefined>();
    expectTypeOf<ChatCompletion['usage']>().toEqualTypeOf<Usage | null | undefined>();
    expectTypeOf<Usage['cost']>().toEqualTypeOf<number | null | undefined>();
  });
});

describe('JSON Schema fields stay open', () => {
  it('accepts any JSON Schema keywords in tool parameters and response schemas', () => {
    const tool: Tool = {
      type: 'function',
      function: {
        name: 'get_weather',
        parameters: { type: 'object', properties: { city: { type: 'string' } }, required: ['city'] },
      },
    };
    const format: ResponseFormat = {
      type: 'json_schema',
      json_schema: { name: 'answer', schema: { type: 'object', $defs: {}, additionalProperties: false } },
    };
    expectTypeOf(tool).toExtend<Tool>();
    expectTypeOf(format).toExtend<ResponseFormat>();
  });
});
