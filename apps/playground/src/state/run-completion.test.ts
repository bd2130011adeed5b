import { createSimulatorAdapter } from '@switchyard/adapter-simulator';
import { createClient } from '@switchyard/client';
import { startTestServer, type TestServer } from '@switchyard/server-kit/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildParams, composeRequest } from './build-request.js';
import { defaultSettings, EXAMPLE_TOOL_PARAMETERS } from './chat-settings.js';
import { runCompletion, TOKENS_PER_SECOND_RULE } from './run-completion.js';

// A real chat server (server-kit + the simulator) on loopback, called through @switchyard/client.
let server: TestServer;
beforeAll(async () => {
  server = await startTestServer({ adapters: [createSimulatorAdapter()] });
});
afterAll(() => server.close());

const client = () => createClient({ baseURL: `${server.url}/v1`, apiKey: 'test', maxRetries: 0 });
const ask = (text: string, patch: Partial<ReturnType<typeof defaultSettings>> = {}) =>
  composeRequest(buildParams({ ...defaultSettings('simulator/echo'), ...patch }), '', [
    { role: 'user', content: text },
  ]);
const run = (request: ReturnType<typeof ask>, signal = new AbortController().signal) =>
  runCompletion(client(), request, { signal });

describe('runCompletion against a real chat server', () => {
  it('streams an answer with usage, finish reason, request id and timings', async () => {
    let updates = 0;
    const result = await runCompletion(client(), ask('Hello there'), {
      signal: new AbortController().signal,
      onUpdate: () => updates++,
    });
    expect(result.message).toEqual({ role: 'assistant', content: 'Hello there' });
    expect(updates).toBeGreaterThan(1);
    expect(result.answer).toMatchObject({
      status: 'done',
      finishReason: 'stop',
      error: null,
      responseModel: 'simulator/echo',
    });
    expect(result.answer.requestId).toMatch(/^req_/);
    expect(result.answer.usage?.completion_tokens).toBeGreaterThan(0);
    const metrics = result.answer.metrics!;
    expect(metrics.ttftMs).not.toBeNull();
    expect(metrics.latencyMs).toBeGreaterThanOrEqual(metrics.ttftMs!);
  });

  it('keeps the reasoning of a thinking model apart from the answer', async () => {
    const result = await run(
      ask('Why is the sky blue?', { model: 'simulator/thinker', thinking: 'enabled' }),
    );
    expect(result.message.content).toBe('Why is the sky blue?');
    expect(result.message.reasoning_content).toMatch(/\w+/);
    expect(result.answer.usage?.completion_tokens_details?.reasoning_tokens).toBeGreaterThan(0);
  });

  it('returns the tool calls of a tool turn', async () => {
    const tools = [
      {
        id: 't',
        name: 'get_weather',
        description: '',
        parameters: EXAMPLE_TOOL_PARAMETERS,
        cannedResult: '',
      },
    ];
    const result = await run(ask('What is the weather in Paris?', { tools }));
    expect(result.answer.finishReason).toBe('tool_calls');
    expect(result.message.tool_calls?.[0]?.function.name).toBe('get_weather');
    expect(JSON.parse(result.message.tool_calls?.[0]?.function.arguments ?? '')).toHaveProperty('city');
  });

  it('works without streaming too', async () => {
    const result = await run(ask('Plain answer', { stream: false }));
    expect(result.message.content).toBe('Plain answer');
    expect(result.answer).toMatchObject({ status: 'done', finishReason: 'stop' });
    expect(result.answer.metrics?.ttftMs).toBeNull();
  });

  it('turns a gateway error into an answer error with the request id, without throwing', async () => {
    const result = await run(ask('Hi [simulate:rate_limit]'));
    expect(result.answer.status).toBe('error');
    expect(result.answer.error).toMatchObject({
      category: 'rate_limit',
      status: 429,
      code: 'rate_limit_exceeded',
    });
    expect(result.answer.error?.requestId).toMatch(/^req_/);
    expect(result.answer.requestId).toBe(result.answer.error?.requestId);
  });

  it('keeps the part streamed before a mid-stream failure', async () => {
    const result = await run(ask('one two three four five six seven eight [simulate:midstream_error]'));
    expect(result.answer.status).toBe('error');
    expect(result.answer.error?.streamStarted).toBe(true);
    expect(String(result.message.content).length).toBeGreaterThan(0);
  });

  it('stops when aborted and keeps the partial answer', async () => {
    const controller = new AbortController();
    const result = await runCompletion(
      client(),
      ask('alpha beta gamma delta epsilon zeta eta theta [simulate:tps=20]'),
      {
        signal: controller.signal,
        onUpdate: (live) => {
          if (live.content.length > 0) controller.abort();
        },
      },
    );
    expect(result.answer.status).toBe('stopped');
    expect(result.answer.error).toBeNull();
    expect(result.answer.requestId).toMatch(/^req_/);
    expect(String(result.message.content)).not.toBe('alpha beta gamma delta epsilon zeta eta theta');
  });

  it('gives tokens/s only for enough tokens over enough time (none for an instant answer)', async () => {
    const instant = await run(ask('Hello there, general Kenobi, you are a bold one indeed'));
    expect(instant.answer.usage?.completion_tokens).toBeGreaterThan(TOKENS_PER_SECOND_RULE.minTokens);
    expect(instant.answer.metrics?.tokensPerSecond).toBeNull();
    const paced = await run(
      ask('one two three four five six seven eight nine ten eleven twelve [simulate:tps=40]'),
    );
    expect(paced.answer.metrics?.tokensPerSecond).toBeGreaterThan(10);
    expect(paced.answer.metrics?.tokensPerSecond).toBeLessThan(200);
  });

  it('reports an unreachable gateway as a network error', async () => {
    const offline = createClient({ baseURL: 'http://127.0.0.1:9/v1', maxRetries: 0 });
    const result = await runCompletion(offline, ask('Hi'), { signal: new AbortController().signal });
    expect(result.answer.error).toMatchObject({
      category: 'network',
      title: 'Gateway unreachable',
      requestId: null,
    });
  });
});
