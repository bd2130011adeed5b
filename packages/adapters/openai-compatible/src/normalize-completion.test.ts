import {
  collect,
  type Responder,
  serveBody,
  type TestUpstream,
  testAdapterContext,
  testChatRequest,
} from '@switchyard/adapter-kit/testing';
import {
  accumulateChunks,
  BadRequestError,
  type ChatCompletion,
  ProtocolError,
  ServerError,
} from '@switchyard/protocol';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  cassette,
  fixture,
  JSON_TYPE,
  SSE,
  sseFromChunkLines,
  startLocalUpstream,
} from '../test/support/local-upstream.js';
import { createOpenAICompatibleAdapter } from './openai-compatible-adapter.js';

let upstream: TestUpstream;
beforeAll(async () => {
  upstream = await startLocalUpstream();
});
afterAll(() => upstream.close());

function adapter() {
  return createOpenAICompatibleAdapter({ name: 'test', baseURL: upstream.baseURL });
}

async function completeFrom(responder: Responder): Promise<ChatCompletion> {
  upstream.respond(responder);
  return adapter().complete!(testChatRequest({}), testAdapterContext());
}

async function failureOf(promise: Promise<unknown>): Promise<ProtocolError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(ProtocolError.isInstance(error)).toBe(true);
  return error as ProtocolError;
}

describe('non-stream vectors served by a local upstream', () => {
  it('openai-text.json: passes through unchanged', async () => {
    const body = fixture('openai-text.json');
    const completion = await completeFrom(serveBody(body, JSON_TYPE));
    expect(completion).toStrictEqual(JSON.parse(body.toString('utf8')));
    const [choice] = completion.choices;
    expect(
      choice!.message.content!.startsWith('**Holiday Name:** Galaxy Day  \n\n**Date:** October 31st'),
    ).toBe(true);
    expect(choice!.message.content).toHaveLength(1842);
    expect(choice!.message.refusal).toBeNull();
    expect(choice!.finish_reason).toBe('stop');
    expect(completion.usage?.total_tokens).toBe(379);
    expect(completion.service_tier).toBe('default');
  });

  it('deepseek-json.json after blank keep-alive lines: trimmed, JSON content and reasoning_content', async () => {
    const completion = await completeFrom(
      serveBody(`\n\n\n${fixture('deepseek-json.json').toString('utf8')}`, JSON_TYPE),
    );
    const [choice] = completion.choices;
    expect(JSON.parse(choice!.message.content!)).toStrictEqual({
      location: 'San Francisco',
      condition: 'cloudy',
      temperature: 7,
    });
    expect(choice!.message.reasoning_content!.startsWith('I have the result from the weather tool.')).toBe(
      true,
    );
    expect(choice!.message.reasoning_content!.endsWith('Let me output the JSON object.')).toBe(true);
    expect(choice!.finish_reason).toBe('stop');
    expect(completion.usage).toStrictEqual({
      prompt_tokens: 495,
      completion_tokens: 144,
      total_tokens: 639,
      prompt_tokens_details: { cached_tokens: 320 },
      completion_tokens_details: { reasoning_tokens: 118 },
      prompt_cache_hit_tokens: 320,
      prompt_cache_miss_tokens: 175,
    });
  });

  it('deepseek-tool-call.json: the stream-only `index` is dropped from tool calls', async () => {
    const completion = await completeFrom(serveBody(fixture('deepseek-tool-call.json'), JSON_TYPE));
    const [choice] = completion.choices;
    expect(choice!.message.tool_calls).toStrictEqual([
      {
        id: 'call_00_9V0vrf86Pc9aelHCJMZqnJBo',
        type: 'function',
        function: { name: 'weather', arguments: '{"location": "San Francisco"}' },
      },
    ]);
    expect(JSON.parse(choice!.message.tool_calls![0]!.function.arguments)).toStrictEqual({
      location: 'San Francisco',
    });
    expect(choice!.message.content).toBe('');
    expect(choice!.message.reasoning_content).toBe(
      'The user is asking for the weather in San Francisco. I have a weather tool available that can get ' +
        'weather information for a location. I should use this tool with the location parameter set to ' +
        '"San Francisco". Let me call the weather function.',
    );
    expect(choice!.finish_reason).toBe('tool_calls');
    expect(completion.usage?.completion_tokens_details?.reasoning_tokens).toBe(48);
  });

  it('groq-reasoning.json: `reasoning` becomes `reasoning_content`', async () => {
    const completion = await completeFrom(serveBody(fixture('groq-reasoning.json'), JSON_TYPE));
    const message = completion.choices[0]!.message;
    expect(message).not.toHaveProperty('reasoning');
    expect(
      message.reasoning_content!.startsWith('Okay, so the user is asking how many times the letter "r"'),
    ).toBe(true);
    expect(message.reasoning_content!.endsWith('So the answer should be 3.\n')).toBe(true);
    expect(message.content).toBe(
      'The word "strawberry" contains **3** instances of the letter **R**. \n\nHere\'s the breakdown:\n' +
        '- **S** T **R** A W B E **R** **R** Y\n\nThe letter "R" appears at the 3rd, 8th, and 9th positions. ' +
        '\n\n**Answer:** 3.',
    );
    expect(completion.usage).toStrictEqual({
      queue_time: 0.335637089,
      prompt_tokens: 17,
      prompt_time: 0.000658349,
      completion_tokens: 649,
      completion_time: 1.231022196,
      total_tokens: 666,
      total_time: 1.231680545,
      completion_tokens_details: { reasoning_tokens: 570 },
    });
    expect((completion as Record<string, unknown>).x_groq).toStrictEqual({
      id: 'req_01kh52n6v2fr2b5m32125xqb7b',
      seed: 1186842417,
    });
  });

  it('test_openai_native_output.yaml: a tool call (content null) then a json_schema answer', async () => {
    const [first, second] = cassette('test_openai_native_output.yaml');
    const toolTurn = await completeFrom(serveBody(JSON.stringify(first!.response.parsed_body), JSON_TYPE));
    expect(toolTurn.choices[0]!.message.content).toBeNull();
    expect(toolTurn.choices[0]!.message.tool_calls).toStrictEqual([
      {
        id: 'call_PkRGedQNRFUzJp2R7dO7avWR',
        type: 'function',
        function: { name: 'get_user_country', arguments: '{}' },
      },
    ]);
    expect(toolTurn.choices[0]!.finish_reason).toBe('tool_calls');
    expect(toolTurn.usage?.total_tokens).toBe(83);

    const answer = await completeFrom(serveBody(JSON.stringify(second!.response.parsed_body), JSON_TYPE));
    expect(JSON.parse(answer.choices[0]!.message.content!)).toStrictEqual({
      city: 'Mexico City',
      country: 'Mexico',
    });
    expect(answer.choices[0]!.finish_reason).toBe('stop');
    expect(answer.usage?.prompt_tokens).toBe(92);
  });

  it('reasoning-model-legacy-parameter-error.json: 400 becomes a BadRequestError on `max_tokens`', async () => {
    const error = await failureOf(
      completeFrom(
        serveBody(fixture('reasoning-model-legacy-parameter-error.json'), JSON_TYPE, { status: 400 }),
      ),
    );
    expect(BadRequestError.isInstance(error)).toBe(true);
    expect(error.status).toBe(400);
    expect(error.code).toBe('unsupported_parameter');
    expect(error.param).toBe('max_tokens');
    expect(error.type).toBe('invalid_request_error');
    expect(error.message).toBe(
      "Unsupported parameter: 'max_tokens' is not supported with this model. Use 'max_completion_tokens' instead.",
    );
    expect(error.isRetryable).toBe(false);
  });
});

describe('non-stream repairs', () => {
  it('a 200 whose body is an error envelope is thrown as that error', async () => {
    const error = await failureOf(
      completeFrom(serveBody('{"object":"error","message":"model overloaded","code":503}', JSON_TYPE)),
    );
    expect(ServerError.isInstance(error)).toBe(true);
    expect(error.status).toBe(503);
    expect(error.message).toBe('model overloaded');
  });

  it('GLM finish_reason "sensitive" becomes content_filter; "network_error" is a retryable error', async () => {
    const answer = (reason: string) =>
      JSON.stringify({
        id: 'x',
        object: 'chat.completion',
        created: 1,
        model: 'glm-5.1',
        choices: [{ index: 0, message: { role: 'assistant', content: '' }, finish_reason: reason }],
      });
    const filtered = await completeFrom(serveBody(answer('sensitive'), JSON_TYPE));
    expect(filtered.choices[0]!.finish_reason).toBe('content_filter');
    const error = await failureOf(completeFrom(serveBody(answer('network_error'), JSON_TYPE)));
    expect(error.code).toBe('upstream_error');
    expect(error.status).toBe(502);
    expect(error.isRetryable).toBe(true);
  });

  it('malformed and empty bodies are bad_response errors (502, not retried)', async () => {
    const malformed = await failureOf(completeFrom(serveBody('{"id": "x", "choi', JSON_TYPE)));
    expect(malformed.code).toBe('bad_response');
    expect(malformed.status).toBe(502);
    expect(malformed.isRetryable).toBe(false);
    const empty = await failureOf(completeFrom(serveBody('\n\n', JSON_TYPE)));
    expect(empty.code).toBe('bad_response');
  });

  it('a non-stream request answered with SSE is accumulated (groq-tool-call.chunks.txt)', async () => {
    const completion = await completeFrom(serveBody(sseFromChunkLines('groq-tool-call.chunks.txt'), SSE));
    expect(completion.id).toBe('chatcmpl-b610d559-f156-4aca-8827-24b4fe6af54f');
    expect(completion.choices[0]!.message.tool_calls).toStrictEqual([
      { id: 'tk85n1k4m', type: 'function', function: { name: 'weather', arguments: '{}' } },
    ]);
    expect(completion.choices[0]!.finish_reason).toBe('tool_calls');
    expect(completion.usage?.total_tokens).toBe(225);
  });

  it('a stream request answered with whole JSON is turned into chunks, usage chunk included', async () => {
    upstream.respond(serveBody(fixture('deepseek-tool-call.json'), JSON_TYPE));
    const chunks = await collect(adapter().stream!(testChatRequest({ stream: true }), testAdapterContext()));
    expect(chunks.at(-1)!.choices).toStrictEqual([]);
    expect(chunks.at(-1)!.usage?.total_tokens).toBe(431);
    expect(chunks.every((chunk) => chunk.usage !== null)).toBe(true);
    const completion = await accumulateChunks(chunks);
    expect(completion.choices[0]!.message.tool_calls![0]!.function).toStrictEqual({
      name: 'weather',
      arguments: '{"location": "San Francisco"}',
    });
    expect(completion.choices[0]!.finish_reason).toBe('tool_calls');
  });
});
