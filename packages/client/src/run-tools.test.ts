import { type ChatCompletion, completionToChunks } from '@switchyard/protocol';
import { afterEach, describe, expect, it } from 'vitest';
import { z } from 'zod';
import {
  completion,
  type LocalServer,
  sendChunks,
  sendJSON,
  startServer,
  startSSE,
} from '../test/support/local-server.js';
import {
  AbortError,
  createClient,
  MaxStepsExceededError,
  ProtocolError,
  type RunnableTool,
  runTools,
  ToolCallError,
  type ToolRunEvent,
  type ToolRunStep,
} from './index.js';

let server: LocalServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

const messages = [{ role: 'user' as const, content: 'Weather and time in Paris?' }];

function toolCall(id: string, name: string, args: string) {
  return { id, type: 'function', function: { name, arguments: args } };
}

/** A server that answers request N with script[N], as JSON or as a stream (when requested). */
function scripted(script: ChatCompletion[]) {
  return startServer((req, res, { index }) => {
    const answer = script[Math.min(index, script.length - 1)] as ChatCompletion;
    if (req.json.stream) sendChunks(res, completionToChunks(answer, { includeUsage: true }));
    else sendJSON(res, 200, answer, { 'x-request-id': `req_${index}` });
  });
}

const weather = {
  name: 'get_weather',
  description: 'Current weather of a city',
  parameters: z.object({ city: z.string() }),
  run: ({ city }: { city: string }) => ({ city, celsius: 21 }),
} satisfies RunnableTool;

const time = {
  name: 'get_time',
  parameters: z.object({ city: z.string(), utc: z.boolean().nullable() }),
  run: ({ city }: { city: string }) => `12:00 in ${city}`,
} satisfies RunnableTool;

const callsBoth = completion(
  {
    content: null,
    tool_calls: [
      toolCall('call_w', 'get_weather', '{"city":"Paris"}'),
      toolCall('call_t', 'get_time', '{"city":"Paris","utc":null}'),
    ],
  },
  'tool_calls',
);
const answers = completion({ content: 'Sunny, 21 °C, and it is noon.' });

describe('runTools', () => {
  it('runs the requested tools and sends their results back until the model answers', async () => {
    server = await scripted([callsBoth, answers]);
    const client = createClient({ baseURL: server.baseURL });

    const result = await runTools(client, { model: 'm', messages, tools: [weather, time] });

    expect(result.text).toBe('Sunny, 21 °C, and it is noon.');
    expect(result.steps).toHaveLength(2);
    expect(
      result.steps[0]?.toolResults.map((r) => [r.toolCall.id, r.args, r.output, r.content]),
    ).toStrictEqual([
      ['call_w', { city: 'Paris' }, { city: 'Paris', celsius: 21 }, '{"city":"Paris","celsius":21}'],
      ['call_t', { city: 'Paris', utc: null }, '12:00 in Paris', '12:00 in Paris'],
    ]);
    expect(result.usage).toStrictEqual({ prompt_tokens: 10, completion_tokens: 4, total_tokens: 14 });
    expect(result.completion._requestId).toBe('req_1');

    const [first, second] = server.requests;
    expect(first?.json.tools).toStrictEqual([
      {
        type: 'function',
        function: {
          name: 'get_weather',
          parameters: {
            type: 'object',
            properties: { city: { type: 'string' } },
            required: ['city'],
            additionalProperties: false,
          },
          strict: true,
          description: 'Current weather of a city',
        },
      },
      {
        type: 'function',
        function: {
          name: 'get_time',
          parameters: {
            type: 'object',
            properties: { city: { type: 'string' }, utc: { type: ['boolean', 'null'] } },
            required: ['city', 'utc'],
            additionalProperties: false,
          },
          strict: true,
        },
      },
    ]);
    const conversation = [
      ...messages,
      { role: 'assistant', content: null, tool_calls: callsBoth.choices[0]?.message.tool_calls },
      { role: 'tool', tool_call_id: 'call_w', content: '{"city":"Paris","celsius":21}' },
      { role: 'tool', tool_call_id: 'call_t', content: '12:00 in Paris' },
    ];
    expect(second?.json.messages).toStrictEqual(conversation);
    expect(result.messages).toStrictEqual([
      ...conversation,
      { role: 'assistant', content: answers.choices[0]?.message.content },
    ]);
  });

  it('runs the calls of a step in parallel', async () => {
    server = await scripted([callsBoth, answers]);
    const client = createClient({ baseURL: server.baseURL });
    // Each tool waits for the other to start: run one after the other, they would never finish.
    let started = 0;
    let release: () => void = () => {};
    const bothStarted = new Promise<void>((resolve) => {
      release = resolve;
    });
    const rendezvous = async () => {
      if (++started === 2) release();
      await bothStarted;
      return 'ok';
    };

    const result = await runTools(client, {
      model: 'm',
      messages,
      tools: [
        { ...weather, run: rendezvous },
        { ...time, run: rendezvous },
      ],
    });

    expect(result.steps[0]?.toolResults.map((r) => r.output)).toStrictEqual(['ok', 'ok']);
  });

  it('reports bad calls and tool failures to the model instead of throwing', async () => {
    const badCalls = completion(
      {
        content: null,
        tool_calls: [
          toolCall('call_1', 'get_weather', '{"town":"Paris"}'),
          toolCall('call_2', 'get_weather', '{"city":'),
          toolCall('call_3', 'get_stock', '{}'),
          toolCall('call_4', 'explode', '{}'),
        ],
      },
      'tool_calls',
    );
    server = await scripted([badCalls, answers]);
    const client = createClient({ baseURL: server.baseURL });
    const runs: unknown[] = [];
    const explode = {
      name: 'explode',
      parameters: z.object({}),
      run: () => {
        throw new Error('disk on fire');
      },
    };

    const result = await runTools(client, {
      model: 'm',
      messages,
      tools: [{ ...weather, run: (args) => runs.push(args) }, explode],
    });

    const results = result.steps[0]?.toolResults ?? [];
    expect(runs).toStrictEqual([]);
    expect(results.slice(0, 3).every((r) => ToolCallError.isInstance(r.error))).toBe(true);
    expect(results.map((r) => JSON.parse(r.content).error)).toStrictEqual([
      expect.stringMatching(/^Invalid arguments for "get_weather": city: /),
      expect.stringMatching(/^The arguments of "get_weather" are not valid JSON/),
      'Unknown tool "get_stock"; the tools are: get_weather, explode.',
      'disk on fire',
    ]);
    expect(results[3]?.error).toStrictEqual(new Error('disk on fire'));
    const toolMessages = server.requests[1]?.json.messages.filter((m: { role: string }) => m.role === 'tool');
    expect(toolMessages.map((m: { content: string }) => m.content)).toStrictEqual(
      results.map((r) => r.content),
    );
    expect(result.text).toBe(answers.choices[0]?.message.content);
  });

  it('calls onStep after each step, in order', async () => {
    server = await scripted([callsBoth, answers]);
    const client = createClient({ baseURL: server.baseURL });
    const seen: ToolRunStep[] = [];

    const result = await runTools(client, {
      model: 'm',
      messages,
      tools: [weather, time],
      onStep: (step) => {
        seen.push(step);
      },
    });

    expect(seen).toStrictEqual(result.steps);
    expect(seen.map((step) => step.index)).toStrictEqual([0, 1]);
  });

  it('fails with MaxStepsExceededError when the model still calls tools at maxSteps', async () => {
    server = await scripted([callsBoth]);
    const client = createClient({ baseURL: server.baseURL });
    let runs = 0;

    const error = await runTools(client, {
      model: 'm',
      messages,
      maxSteps: 2,
      tools: [
        { ...weather, run: () => ++runs },
        { ...time, run: () => ++runs },
      ],
    }).catch((e: unknown) => e);

    expect(MaxStepsExceededError.isInstance(error)).toBe(true);
    expect(ProtocolError.isInstance(error) && error.code).toBe('max_steps_exceeded');
    expect((error as MaxStepsExceededError).steps).toHaveLength(2);
    expect(runs).toBe(2);
    expect(server.requests).toHaveLength(2);
  });

  it('replays reasoning_content on tool turns', async () => {
    const reasoned = completion(
      {
        content: null,
        reasoning_content: 'Need the weather.',
        tool_calls: [toolCall('c', 'get_weather', '{"city":"Oslo"}')],
      },
      'tool_calls',
    );
    server = await scripted([reasoned, answers]);
    const client = createClient({ baseURL: server.baseURL });

    await runTools(client, { model: 'm', messages, tools: [weather] });

    expect(server.requests[1]?.json.messages[1]).toStrictEqual({
      role: 'assistant',
      content: null,
      tool_calls: reasoned.choices[0]?.message.tool_calls,
      reasoning_content: 'Need the weather.',
    });
  });

  it('passes the signal and step to the tools', async () => {
    server = await scripted([callsBoth, answers]);
    const client = createClient({ baseURL: server.baseURL });
    const controller = new AbortController();
    const contexts: unknown[] = [];

    await runTools(client, {
      model: 'm',
      messages,
      signal: controller.signal,
      tools: [
        {
          ...weather,
          run: (_args, context) => contexts.push([context.step, context.signal, context.toolCall.id]),
        },
      ],
    });

    expect(contexts).toStrictEqual([[0, controller.signal, 'call_w']]);
  });
});

describe('runTools with stream: true', () => {
  it('yields every chunk of every step and each finished step, then the result', async () => {
    server = await scripted([callsBoth, answers]);
    const client = createClient({ baseURL: server.baseURL });

    const run = runTools(client, { model: 'm', messages, tools: [weather, time], stream: true });
    const events: ToolRunEvent[] = [];
    for await (const event of run) events.push(event);
    const result = await run.result();

    expect(server.requests.every((request) => request.json.stream === true)).toBe(true);
    const kinds = events.map((event) =>
      event.type === 'chunk' ? `chunk@${event.step}` : `step ${event.step.index}`,
    );
    expect(kinds.filter((kind) => kind.startsWith('step'))).toStrictEqual(['step 0', 'step 1']);
    expect(kinds.indexOf('step 0')).toBeLessThan(kinds.indexOf('chunk@1'));
    expect(result.text).toBe(answers.choices[0]?.message.content);
    expect(result.steps[0]?.toolResults).toHaveLength(2);
    expect(result.usage.total_tokens).toBe(14);
  });

  it('streams the text of the answer with textStream()', async () => {
    server = await scripted([callsBoth, answers]);
    const client = createClient({ baseURL: server.baseURL });

    const run = runTools(client, { model: 'm', messages, tools: [weather, time], stream: true });
    let text = '';
    for await (const piece of run.textStream()) text += piece;

    expect(text).toBe(answers.choices[0]?.message.content);
    expect((await run.result()).steps).toHaveLength(2);
  });

  it('aborts the model call in flight with abort(): the server sees the connection close', async () => {
    let closed: Promise<void> | undefined;
    server = await startServer((_req, res, context) => {
      closed = context.closed;
      startSSE(res);
      res.write(`data: ${JSON.stringify(completionToChunks(answers)[0])}\n\n`);
    });
    const client = createClient({ baseURL: server.baseURL });
    const run = runTools(client, { model: 'm', messages, tools: [weather], stream: true });

    const error = await (async () => {
      for await (const _ of run) run.abort();
    })().catch((e: unknown) => e);

    expect(AbortError.isInstance(error)).toBe(true);
    await closed;
    expect(await run.result().catch((e: unknown) => e)).toBe(error);
  });
});
