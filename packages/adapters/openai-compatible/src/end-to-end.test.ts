import { createSimulatorAdapter } from '@switchyard/adapter-simulator';
import { type ChatCompletion, type ChatCompletionChunk, decodeSSE, type Usage } from '@switchyard/protocol';
import type { ChatFinishEvent } from '@switchyard/server-kit';
import { startTestServer, type TestServer } from '@switchyard/server-kit/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createOpenAICompatibleAdapter } from './openai-compatible-adapter.js';

// client → server-kit (this adapter) → real HTTP → server-kit (simulator adapter)
let upstream: TestServer;
let front: TestServer;
const upstreamFinished: ChatFinishEvent[] = [];
const frontFinished: ChatFinishEvent[] = [];

beforeAll(async () => {
  upstream = await startTestServer({
    adapters: [createSimulatorAdapter()],
    onFinish: (event) => upstreamFinished.push(event),
  });
  front = await startTestServer({
    adapters: [createOpenAICompatibleAdapter({ name: 'simulated', baseURL: `${upstream.url}/v1` })],
    onFinish: (event) => frontFinished.push(event),
  });
});
afterAll(async () => {
  await front.close();
  await upstream.close();
});

function post(body: Record<string, unknown>, signal?: AbortSignal): Promise<Response> {
  return fetch(`${front.url}/v1/chat/completions`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
    ...(signal ? { signal } : {}),
  });
}

async function streamEvents(response: Response) {
  const chunks: ChatCompletionChunk[] = [];
  const errors: { code: string; message: string }[] = [];
  let done = false;
  for await (const event of decodeSSE(response.body!)) {
    if (event.type === 'chunk') chunks.push(event.chunk);
    else if (event.type === 'error') errors.push({ code: event.error.code, message: event.error.message });
    else if (event.type === 'done') done = true;
  }
  return { chunks, errors, done };
}

const user = (content: string) => [{ role: 'user', content }];

describe('this adapter in front of the simulator, both served by server-kit over HTTP', () => {
  it('lists the upstream models', async () => {
    const response = await fetch(`${front.url}/v1/models`);
    const list = (await response.json()) as { data: { id: string }[] };
    expect(list.data.map((model) => model.id).sort()).toStrictEqual([
      'simulator/babble',
      'simulator/echo',
      'simulator/embed',
      'simulator/thinker',
    ]);
  });

  it('a non-stream answer comes back whole, with usage', async () => {
    const response = await post({ model: 'simulator/echo', messages: user('Hello over two hops') });
    expect(response.status).toBe(200);
    const completion = (await response.json()) as ChatCompletion;
    expect(completion.choices[0]!.message.content).toBe('Hello over two hops');
    expect(completion.choices[0]!.finish_reason).toBe('stop');
    expect(completion.usage!.total_tokens).toBe(
      completion.usage!.prompt_tokens + completion.usage!.completion_tokens,
    );
  });

  it('usage is always metered, and reaches the client only when it asked', async () => {
    frontFinished.length = 0;
    const quiet = await streamEvents(
      await post({ model: 'simulator/echo', messages: user('meter me'), stream: true }),
    );
    expect(quiet.done).toBe(true);
    expect(quiet.chunks.some((chunk) => chunk.usage)).toBe(false);
    const metered = frontFinished.at(-1)!.usage as Usage;
    expect(metered.completion_tokens).toBeGreaterThan(0);

    const loud = await streamEvents(
      await post({
        model: 'simulator/echo',
        messages: user('meter me'),
        stream: true,
        stream_options: { include_usage: true },
      }),
    );
    const usageChunk = loud.chunks.at(-1)!;
    expect(usageChunk.choices).toStrictEqual([]);
    expect(usageChunk.usage).toStrictEqual(metered);
  });

  it('thinking reaches the upstream and reasoning comes back as reasoning_content', async () => {
    const on = await streamEvents(
      await post({
        model: 'simulator/thinker',
        messages: user('Think about it'),
        stream: true,
        thinking: { type: 'enabled' },
      }),
    );
    expect(on.chunks.some((chunk) => typeof chunk.choices[0]?.delta.reasoning_content === 'string')).toBe(
      true,
    );
    const off = await post({
      model: 'simulator/thinker',
      messages: user('Think about it'),
      thinking: { type: 'disabled' },
    });
    const completion = (await off.json()) as ChatCompletion;
    expect(completion.choices[0]!.message.reasoning_content).toBeUndefined();
    expect(completion.choices[0]!.message.content).toBe('Think about it');
  });

  it('tool calls stream with dense indexes and JSON arguments', async () => {
    const { chunks } = await streamEvents(
      await post({
        model: 'simulator/echo',
        messages: user('Use get_weather please'),
        stream: true,
        tool_choice: 'required',
        tools: [
          {
            type: 'function',
            function: {
              name: 'get_weather',
              parameters: { type: 'object', properties: { city: { type: 'string' } }, required: ['city'] },
            },
          },
        ],
      }),
    );
    const fragments = chunks.flatMap((chunk) =>
      chunk.choices.flatMap((choice) => choice.delta.tool_calls ?? []),
    );
    expect(fragments[0]).toMatchObject({ index: 0, type: 'function', function: { name: 'get_weather' } });
    const args = fragments.map((fragment) => fragment.function?.arguments ?? '').join('');
    expect(typeof (JSON.parse(args) as { city: unknown }).city).toBe('string');
    expect(chunks.at(-1)!.choices[0]!.finish_reason).toBe('tool_calls');
  });

  it('an upstream error before the first chunk becomes the same HTTP error', async () => {
    const response = await post({
      model: 'simulator/echo',
      messages: user('[simulate:overloaded] hi'),
      stream: true,
    });
    expect(response.status).toBe(529);
    const envelope = (await response.json()) as { error: { code: string; type: string } };
    expect(envelope.error.code).toBe('overloaded');
  });

  it('an upstream error mid-stream becomes one error event after the chunks', async () => {
    const { chunks, errors, done } = await streamEvents(
      await post({
        model: 'simulator/babble',
        messages: user('[simulate:midstream_error=server_error] go'),
        stream: true,
      }),
    );
    expect(chunks.length).toBeGreaterThan(0);
    expect(errors).toHaveLength(1);
    expect(errors[0]!.code).toBe('server_error');
    expect(done).toBe(false);
  });

  it('an upstream stream cut before finish_reason is reported as stream_incomplete', async () => {
    const { errors } = await streamEvents(
      await post({ model: 'simulator/babble', messages: user('[simulate:truncate] go'), stream: true }),
    );
    expect(errors.map((error) => error.code)).toStrictEqual(['stream_incomplete']);
  });

  it('a client that disconnects cancels the upstream generation', async () => {
    upstreamFinished.length = 0;
    const controller = new AbortController();
    const response = await post(
      { model: 'simulator/echo', messages: user('[simulate:stall] wait forever'), stream: true },
      controller.signal,
    );
    const reader = response.body!.getReader();
    await reader.read(); // the first chunk arrived: the upstream is generating
    controller.abort();
    while (upstreamFinished.length === 0) await new Promise((resolve) => setTimeout(resolve, 10));
    expect(upstreamFinished[0]!.aborted).toBe(true);
  });
});
