import { readFileSync } from 'node:fs';
import {
  accumulateChunks,
  type ChatCompletion,
  type ChatCompletionChunk,
  ChatCompletionChunkSchema,
  ProtocolError,
  type ResponseObject,
  ResponseStreamEventSchema,
} from '@switchyard/protocol';
import { ResponseStream } from 'openai/lib/responses/ResponseStream';
import { describe, expect, it } from 'vitest';
import type { DoorContext } from '../../front-door.js';
import { createMemoryResponseStore } from './response-store.js';
import { responsesDoor } from './responses-door.js';

function contextOf(principal: string): DoorContext {
  return { requestId: 'req-1', header: () => undefined, principal, signal: new AbortController().signal };
}
const alice = contextOf('alice');
const bob = contextOf('bob');

function newDoor() {
  return responsesDoor({ store: createMemoryResponseStore(), ownerOf: (principal) => String(principal) });
}

function completion(message: Record<string, unknown>, finishReason = 'stop'): ChatCompletion {
  return {
    id: 'chatcmpl-1',
    object: 'chat.completion',
    created: 0,
    model: 'upstream-model',
    choices: [
      { index: 0, message: { role: 'assistant', ...message }, logprobs: null, finish_reason: finishReason },
    ],
    usage: {
      prompt_tokens: 10,
      completion_tokens: 5,
      total_tokens: 15,
      completion_tokens_details: { reasoning_tokens: 2 },
    },
  };
}

function fixtureChunks(name: string): ChatCompletionChunk[] {
  return readFileSync(new URL(`./__fixtures__/${name}`, import.meta.url), 'utf8')
    .split('\n')
    .filter((line) => line.trim())
    .map((line) => ChatCompletionChunkSchema.parse(JSON.parse(line)) as ChatCompletionChunk);
}

/** Runs chunks through the door's stream encoder, as the server does; returns the SSE frames. */
async function encodeStream(chunks: readonly ChatCompletionChunk[], body: Record<string, unknown>) {
  const door = newDoor();
  const { native } = await door.decode({ model: 'm', input: 'Hi', stream: true, ...body }, alice);
  const encoder = door.streamEncoder(native, alice);
  let usageChunk: ChatCompletionChunk | undefined;
  let sse = encoder.start();
  for (const chunk of chunks) {
    if (chunk.usage) usageChunk = chunk;
    const { usage: _usage, ...rest } = chunk;
    sse += encoder.chunk(rest);
  }
  sse += await encoder.end(usageChunk?.usage ?? undefined, usageChunk);
  return { sse, door, id: native.id };
}

function eventsOf(sse: string): { type: string; sequence_number: number; [key: string]: unknown }[] {
  return sse
    .split('\n\n')
    .filter(Boolean)
    .map((frame) => {
      const [eventLine, dataLine] = frame.split('\n');
      const data = JSON.parse(dataLine!.slice('data: '.length));
      expect(eventLine).toBe(`event: ${data.type}`);
      expect(ResponseStreamEventSchema.safeParse(data).success).toBe(true);
      return data;
    });
}

/** The openai SDK's own accumulation of the events (`ResponseStream.finalResponse()`). */
async function sdkFinalResponse(sse: string) {
  const lines = eventsOf(sse).map((event) => `${JSON.stringify(event)}\n`);
  const stream = new ReadableStream({
    start(controller) {
      for (const line of lines) controller.enqueue(new TextEncoder().encode(line));
      controller.close();
    },
  });
  return ResponseStream.fromReadableStream(stream).finalResponse();
}

describe('responsesDoor: decode', () => {
  it('turns a Responses request into the canonical chat request', async () => {
    const { request } = await newDoor().decode(
      {
        model: 'm',
        instructions: 'Be brief',
        input: 'Weather in Paris?',
        tools: [{ type: 'function', name: 'get_weather', parameters: { type: 'object' }, strict: true }],
        tool_choice: { type: 'function', name: 'get_weather' },
        text: { format: { type: 'json_schema', name: 'out', schema: { type: 'object' }, strict: true } },
        reasoning: { effort: 'low', summary: 'auto' },
        max_output_tokens: 100,
        temperature: 0.5,
        stream: true,
      },
      alice,
    );
    expect(request).toStrictEqual({
      model: 'm',
      messages: [
        { role: 'system', content: 'Be brief' },
        { role: 'user', content: 'Weather in Paris?' },
      ],
      tools: [
        { type: 'function', function: { name: 'get_weather', parameters: { type: 'object' }, strict: true } },
      ],
      tool_choice: { type: 'function', function: { name: 'get_weather' } },
      response_format: {
        type: 'json_schema',
        json_schema: { name: 'out', schema: { type: 'object' }, strict: true },
      },
      reasoning_effort: 'low',
      max_completion_tokens: 100,
      temperature: 0.5,
      stream: true,
      stream_options: { include_usage: true },
    });
  });

  it('puts function calls on their assistant turn, with the reasoning before them, and outputs in tool messages', async () => {
    const { request } = await newDoor().decode(
      {
        model: 'm',
        input: [
          {
            role: 'user',
            content: [
              { type: 'input_text', text: 'Weather?' },
              { type: 'input_image', image_url: 'https://x/y.png' },
            ],
          },
          { type: 'reasoning', summary: [{ type: 'summary_text', text: 'Call the tool.' }] },
          { type: 'function_call', call_id: 'call_1', name: 'get_weather', arguments: '{"city":"Paris"}' },
          { type: 'function_call', call_id: 'call_2', name: 'get_weather', arguments: '{"city":"Rome"}' },
          { type: 'function_call_output', call_id: 'call_1', output: '20C' },
          { type: 'function_call_output', call_id: 'call_2', output: [{ type: 'input_text', text: '25C' }] },
        ],
      },
      alice,
    );
    expect(request.messages).toStrictEqual([
      {
        role: 'user',
        content: [
          { type: 'text', text: 'Weather?' },
          { type: 'image_url', image_url: { url: 'https://x/y.png' } },
        ],
      },
      {
        role: 'assistant',
        content: null,
        reasoning_content: 'Call the tool.',
        tool_calls: [
          {
            id: 'call_1',
            type: 'function',
            function: { name: 'get_weather', arguments: '{"city":"Paris"}' },
          },
          { id: 'call_2', type: 'function', function: { name: 'get_weather', arguments: '{"city":"Rome"}' } },
        ],
      },
      { role: 'tool', tool_call_id: 'call_1', content: '20C' },
      { role: 'tool', tool_call_id: 'call_2', content: '25C' },
    ]);
  });

  it('refuses with the field at fault, in the OpenAI envelope', async () => {
    const door = newDoor();
    const error = await Promise.resolve()
      .then(() => door.decode({ model: 'm', input: [{ type: 'function_call_output', output: 'x' }] }, alice))
      .catch((e: unknown) => e);
    expect(ProtocolError.isInstance(error)).toBe(true);
    expect(door.encodeError(error as ProtocolError)).toStrictEqual({
      status: 400,
      body: {
        error: {
          message: 'input[0].call_id is required',
          type: 'invalid_request_error',
          param: 'input[0].call_id',
          code: 'invalid_request',
        },
      },
    });
    const empty = await Promise.resolve(door.decode({ model: 'm', input: [] }, alice)).catch(
      (e: ProtocolError) => e,
    );
    expect(empty).toMatchObject({ status: 400, param: 'input' });
  });
});

describe('responsesDoor: answers and stored conversations', () => {
  it('encodes reasoning, text and tool calls as output items, and a cut answer as incomplete', async () => {
    const door = newDoor();
    const { native } = await door.decode({ model: 'public-name', input: 'Hi' }, alice);
    const response = (await door.encodeCompletion(
      completion(
        {
          content: 'Checking.',
          reasoning_content: 'Think.',
          tool_calls: [{ id: 'call_1', type: 'function', function: { name: 'f', arguments: '{}' } }],
        },
        'length',
      ),
      native,
      alice,
    )) as ResponseObject;
    expect(response).toMatchObject({
      id: native.id,
      object: 'response',
      model: 'public-name',
      status: 'incomplete',
      incomplete_details: { reason: 'max_output_tokens' },
      usage: {
        input_tokens: 10,
        output_tokens: 5,
        total_tokens: 15,
        output_tokens_details: { reasoning_tokens: 2 },
      },
    });
    expect(response.output.map((item) => item.type)).toEqual(['reasoning', 'message', 'function_call']);
    expect(response.output[0]).toMatchObject({ summary: [{ type: 'summary_text', text: 'Think.' }] });
    expect(response.output[2]).toMatchObject({ call_id: 'call_1', name: 'f', arguments: '{}' });
  });

  it('continues a stored conversation by previous_response_id, tool calls included; another owner gets a 404', async () => {
    const door = newDoor();
    const first = await door.decode(
      { model: 'm', input: 'Weather?', tools: [{ type: 'function', name: 'f' }] },
      alice,
    );
    const response = (await door.encodeCompletion(
      completion(
        {
          content: null,
          tool_calls: [{ id: 'call_9', type: 'function', function: { name: 'f', arguments: '{}' } }],
        },
        'tool_calls',
      ),
      first.native,
      alice,
    )) as ResponseObject;
    const next = await door.decode(
      {
        model: 'm',
        previous_response_id: response.id,
        input: [{ type: 'function_call_output', call_id: 'call_9', output: 'sunny' }],
      },
      alice,
    );
    expect(next.request.messages).toStrictEqual([
      { role: 'user', content: 'Weather?' },
      {
        role: 'assistant',
        content: null,
        tool_calls: [{ id: 'call_9', type: 'function', function: { name: 'f', arguments: '{}' } }],
      },
      { role: 'tool', tool_call_id: 'call_9', content: 'sunny' },
    ]);
    for (const [context, id] of [
      [bob, response.id],
      [alice, 'resp_unknown'],
      [alice, 'resp_\u0000'],
    ] as const) {
      const error = await Promise.resolve(
        door.decode({ model: 'm', previous_response_id: id, input: 'x' }, context),
      ).catch((e: ProtocolError) => e);
      expect(error).toMatchObject({ status: 404, code: 'not_found', param: 'previous_response_id' });
    }
  });

  it('serves GET, input_items and DELETE for the owner only; store: false keeps nothing', async () => {
    const door = newDoor();
    const route = (method: string, path: string) => {
      const found = door.routes?.find((r) => r.method === method && r.match(path));
      if (!found) throw new Error(`no route ${method} ${path}`);
      return (context: DoorContext) => found.handle({ context, params: found.match(path)!, body: undefined });
    };
    const { native } = await door.decode({ model: 'm', instructions: 'sys', input: 'Hello' }, alice);
    const response = (await door.encodeCompletion(
      completion({ content: 'Hi!' }),
      native,
      alice,
    )) as ResponseObject;
    expect(await route('GET', `/v1/responses/${response.id}`)(alice)).toStrictEqual({
      status: 200,
      body: response,
    });
    const items = await route('GET', `/v1/responses/${response.id}/input_items`)(alice);
    expect(items.body).toMatchObject({
      object: 'list',
      data: [
        {
          type: 'message',
          role: 'user',
          content: [{ type: 'input_text', text: 'Hello' }],
          id: expect.stringMatching(/^msg_/),
        },
      ],
      has_more: false,
    });
    await expect(route('GET', `/v1/responses/${response.id}`)(bob)).rejects.toMatchObject({ status: 404 });
    await expect(route('DELETE', `/v1/responses/${response.id}`)(bob)).rejects.toMatchObject({ status: 404 });
    expect(await route('DELETE', `/v1/responses/${response.id}`)(alice)).toStrictEqual({
      status: 200,
      body: { id: response.id, object: 'response', deleted: true },
    });
    await expect(route('GET', `/v1/responses/${response.id}`)(alice)).rejects.toMatchObject({ status: 404 });

    const unstored = await door.decode({ model: 'm', input: 'Hello', store: false }, alice);
    const kept = (await door.encodeCompletion(
      completion({ content: 'Hi!' }),
      unstored.native,
      alice,
    )) as ResponseObject;
    await expect(route('GET', `/v1/responses/${kept.id}`)(alice)).rejects.toMatchObject({ status: 404 });
  });
});

describe('responsesDoor: streams', () => {
  it.each([
    ['openai-text.chunks.txt', {}],
    ['deepseek-reasoning.chunks.txt', {}],
    ['deepseek-tool-call.chunks.txt', { tools: [{ type: 'function', name: 'get_weather' }] }],
  ])('%s: the SDK accumulates the events to the same text, tool calls and tokens', async (fixture, body) => {
    const chunks = fixtureChunks(fixture);
    const expected = await accumulateChunks(chunks);
    const { sse, door, id } = await encodeStream(chunks, body);
    const events = eventsOf(sse);
    expect(events.map((e) => e.sequence_number)).toEqual(events.map((_, i) => i));
    expect(events.slice(0, 2).map((e) => e.type)).toEqual(['response.created', 'response.in_progress']);
    const final = await sdkFinalResponse(sse);
    const message = expected.choices[0]!.message;
    expect(final.status).toBe('completed');
    expect(final.output_text).toBe(message.content ?? '');
    const reasoning = final.output.find((item) => item.type === 'reasoning');
    expect(reasoning?.summary.map((s) => s.text).join('') ?? '').toBe(message.reasoning_content ?? '');
    const calls = final.output.filter((item) => item.type === 'function_call');
    expect(calls.map((c) => ({ id: c.call_id, name: c.name, arguments: c.arguments }))).toEqual(
      (message.tool_calls ?? []).map((c) => ({
        id: c.id,
        name: c.function.name,
        arguments: c.function.arguments,
      })),
    );
    expect(final.usage).toMatchObject({
      input_tokens: expected.usage!.prompt_tokens,
      output_tokens: expected.usage!.completion_tokens,
      total_tokens: expected.usage!.total_tokens,
    });
    // What was streamed is what was stored.
    const stored = await door.routes![0]!.handle({ context: alice, params: { id }, body: undefined });
    expect(stored.body).toMatchObject({
      id,
      status: 'completed',
      output: final.output.map((item) => ({ type: item.type })),
    });
  });

  it('ends a cut answer as response.incomplete and a failure as error then response.failed', async () => {
    const chunk = (delta: Record<string, unknown>, finish: string | null = null): ChatCompletionChunk => ({
      id: 'c',
      object: 'chat.completion.chunk',
      created: 0,
      model: 'm',
      choices: [{ index: 0, delta, logprobs: null, finish_reason: finish }],
    });
    const cut = eventsOf((await encodeStream([chunk({ content: 'Hel' }), chunk({}, 'length')], {})).sse);
    expect(cut.at(-1)).toMatchObject({
      type: 'response.incomplete',
      response: { status: 'incomplete', incomplete_details: { reason: 'max_output_tokens' } },
    });

    const door = newDoor();
    const { native } = await door.decode({ model: 'm', input: 'Hi', stream: true }, alice);
    const encoder = door.streamEncoder(native, alice);
    const sse =
      encoder.start() +
      encoder.chunk(chunk({ content: 'Hel' })) +
      encoder.error(new ProtocolError({ message: 'upstream died', code: 'upstream_error' }));
    expect(eventsOf(sse).slice(-2)).toMatchObject([
      { type: 'error', code: 'upstream_error', message: 'upstream died', param: null },
      {
        type: 'response.failed',
        response: { status: 'failed', error: { code: 'upstream_error', message: 'upstream died' } },
      },
    ]);
  });
});
