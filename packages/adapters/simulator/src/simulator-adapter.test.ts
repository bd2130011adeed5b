import { type ChatCompletion, type ChatCompletionChunk, decodeSSE } from '@switchyard/protocol';
import { startTestServer, type TestServer } from '@switchyard/server-kit/testing';
import { countTokens } from 'gpt-tokenizer/encoding/o200k_base';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createSimulatorAdapter } from './simulator-adapter.js';

let server: TestServer;
let failing: TestServer;
beforeAll(async () => {
  server = await startTestServer({ adapters: [createSimulatorAdapter()] });
  failing = await startTestServer({ adapters: [createSimulatorAdapter({ directives: 'error=overloaded' })] });
});
afterAll(async () => {
  await server.close();
  await failing.close();
});

const WEATHER = {
  type: 'function',
  function: {
    name: 'get_weather',
    parameters: { type: 'object', properties: { city: { type: 'string' } }, required: ['city'] },
  },
};
const TIME = {
  type: 'function',
  function: { name: 'get_time', parameters: { type: 'object', properties: {} } },
};

async function complete(body: Record<string, unknown>, url = server.url): Promise<ChatCompletion> {
  const res = await fetch(`${url}/v1/chat/completions`, {
    method: 'POST',
    body: JSON.stringify({ model: 'simulator/echo', messages: [{ role: 'user', content: 'hi' }], ...body }),
  });
  const json = await res.json();
  if (res.status !== 200)
    throw Object.assign(new Error(JSON.stringify(json)), { status: res.status, body: json });
  return json;
}

async function stream(body: Record<string, unknown>): Promise<ChatCompletionChunk[]> {
  const res = await fetch(`${server.url}/v1/chat/completions`, {
    method: 'POST',
    body: JSON.stringify({ model: 'simulator/echo', stream: true, ...body }),
  });
  const chunks: ChatCompletionChunk[] = [];
  for await (const event of decodeSSE(res.body as ReadableStream<Uint8Array>)) {
    if (event.type === 'chunk') chunks.push(event.chunk);
  }
  return chunks;
}

const say = (content: string) => ({ messages: [{ role: 'user', content }] });
const contentOf = (completion: ChatCompletion, i = 0) => completion.choices[i]?.message.content;

describe('answers', () => {
  it('echoes the last user message without its directives', async () => {
    const completion = await complete({
      messages: [
        { role: 'system', content: 'Be brief.' },
        { role: 'user', content: 'first' },
        { role: 'assistant', content: 'first' },
        { role: 'user', content: [{ type: 'text', text: 'Hello [simulate:tps=1000] 你好 🌍' }] },
      ],
    });
    expect(contentOf(completion)).toBe('Hello 你好 🌍');
    expect(completion.model).toBe('simulator/echo');
  });

  it('streams one token per chunk and keeps characters whole', async () => {
    const text = 'Grüße aus Zürich 🚂🚃 — 東京駅';
    const chunks = await stream(say(text));
    const pieces = chunks
      .flatMap((chunk) => chunk.choices.map((choice) => choice.delta.content ?? ''))
      .filter(Boolean);
    expect(pieces.join('')).toBe(text);
    expect(pieces.length).toBeGreaterThan(5);
    expect(pieces.every((piece) => !piece.includes('\uFFFD'))).toBe(true);
  });

  it('babbles deterministically per seed, and differently across seeds', async () => {
    const a = await complete({ model: 'simulator/babble', seed: 1, ...say('x') });
    const b = await complete({ model: 'simulator/babble', seed: 1, ...say('x') });
    const c = await complete({ model: 'simulator/babble', seed: 2, ...say('x') });
    expect(contentOf(a)).toBe(contentOf(b));
    expect(contentOf(a)).not.toBe(contentOf(c));
    expect(contentOf(a)?.split(' ')).toHaveLength(120);
    const long = await complete({ model: 'simulator/babble', ...say('x [simulate:words=500]') });
    expect(contentOf(long)?.split(' ')).toHaveLength(500);
  });

  it('gives n different babble choices and interleaves them when streaming', async () => {
    const completion = await complete({ model: 'simulator/babble', n: 3, ...say('x') });
    expect(new Set(completion.choices.map((choice) => choice.message.content)).size).toBe(3);
    const chunks = await stream({ model: 'simulator/babble', n: 2, ...say('x') });
    const order = chunks.slice(0, 6).map((chunk) => chunk.choices[0]?.index);
    expect(order).toStrictEqual([0, 1, 0, 1, 0, 1]);
  });

  it('answers json_object requests with a JSON object', async () => {
    const completion = await complete({ response_format: { type: 'json_object' }, ...say('hi there') });
    expect(JSON.parse(contentOf(completion) as string)).toStrictEqual({ answer: 'hi there' });
  });
});

describe('usage and limits', () => {
  it('counts completion tokens with o200k_base', async () => {
    const text = 'The quick brown fox jumps over the lazy dog. 敏捷的棕色狐狸';
    const completion = await complete(say(text));
    expect(completion.usage?.completion_tokens).toBe(countTokens(text));
    const longer = await complete(say(`${text} ${text}`));
    expect((longer.usage?.prompt_tokens ?? 0) - (completion.usage?.prompt_tokens ?? 0)).toBe(
      countTokens(`${text} ${text}`) - countTokens(text),
    );
  });

  it('countTokens gives exactly the prompt_tokens an answer reports', async () => {
    const request = {
      model: 'simulator/echo',
      messages: [{ role: 'user' as const, content: 'count me, 敏捷的棕色狐狸' }],
    };
    const completion = await complete(request);
    const context = {
      requestId: 'r',
      signal: new AbortController().signal,
      deadline: undefined,
      logger: console,
      locals: {},
    };
    expect(await createSimulatorAdapter().countTokens?.(request, context)).toBe(
      completion.usage?.prompt_tokens,
    );
  });

  it('with warmTokenizer: false, loads the tokenizer on first use and counts the same', async () => {
    const request = {
      model: 'simulator/echo',
      messages: [{ role: 'user' as const, content: 'count me lazily, 敏捷的棕色狐狸' }],
    };
    const lazy = await startTestServer({ adapters: [createSimulatorAdapter({ warmTokenizer: false })] });
    try {
      const [warm, cold] = await Promise.all([complete(request), complete(request, lazy.url)]);
      expect(cold.usage).toEqual(warm.usage);
      expect(contentOf(cold)).toBe(contentOf(warm));
    } finally {
      await lazy.close();
    }
  });

  it('cuts an echo at 4,096 tokens, like the output limit of a model', async () => {
    const completion = await complete(say('one two three four five six seven eight '.repeat(700)));
    expect(completion.choices[0]?.finish_reason).toBe('length');
    expect(completion.usage?.completion_tokens).toBe(4096);
  });

  it('bounds n × output: n 128 on a 4 MB prompt answers at most 16,384 tokens in all', async () => {
    const body = { n: 128, ...say('a'.repeat(4_000_000)) };
    const res = await fetch(`${server.url}/v1/chat/completions`, {
      method: 'POST',
      body: JSON.stringify({ model: 'simulator/echo', ...body }),
    });
    const text = await res.text();
    expect(res.status).toBe(200);
    expect(text.length).toBeLessThan(1024 * 1024);
    const completion = JSON.parse(text) as ChatCompletion;
    expect(completion.choices).toHaveLength(128);
    expect(completion.choices.every((choice) => choice.finish_reason === 'length')).toBe(true);
    expect(completion.usage?.completion_tokens).toBe(16_384);
    expect(completion.usage?.prompt_tokens).toBeGreaterThan(400_000);

    const streamed = await fetch(`${server.url}/v1/chat/completions`, {
      method: 'POST',
      body: JSON.stringify({ model: 'simulator/echo', stream: true, ...body }),
    });
    expect((await streamed.arrayBuffer()).byteLength).toBeLessThan(8 * 1024 * 1024);
  });

  it('cuts at max_tokens with finish_reason length, counting reasoning first', async () => {
    const cut = await complete({ model: 'simulator/babble', max_tokens: 7, ...say('x') });
    expect(cut.choices[0]?.finish_reason).toBe('length');
    expect(cut.usage?.completion_tokens).toBe(7);
    expect(countTokens(contentOf(cut) as string)).toBe(7);
    const thinking = await complete({
      model: 'simulator/thinker',
      max_completion_tokens: 4,
      ...say('hello there'),
    });
    expect(thinking.choices[0]?.finish_reason).toBe('length');
    expect(thinking.usage?.completion_tokens_details?.reasoning_tokens).toBe(4);
    expect(contentOf(thinking)).toBe('');
  });

  it('stops before the first stop sequence', async () => {
    const completion = await complete({ stop: ['STOP', 'halt'], ...say('go on and on STOP never halt') });
    expect(contentOf(completion)).toBe('go on and on ');
    expect(completion.choices[0]?.finish_reason).toBe('stop');
  });
});

describe('tools', () => {
  it('with tool_choice auto, calls only tools the user mentions', async () => {
    const called = await complete({ tools: [WEATHER, TIME], ...say('How is the weather in Oslo?') });
    expect(called.choices[0]?.finish_reason).toBe('tool_calls');
    expect(called.choices[0]?.message.tool_calls?.map((call) => call.function.name)).toStrictEqual([
      'get_weather',
    ]);
    expect(called.choices[0]?.message.content).toBeNull();
    const chatted = await complete({ tools: [WEATHER, TIME], ...say('Tell me a joke') });
    expect(chatted.choices[0]?.finish_reason).toBe('stop');
    expect(contentOf(chatted)).toBe('Tell me a joke');
  });

  it('calls every mentioned tool in parallel unless parallel_tool_calls is false', async () => {
    const both = await complete({ tools: [WEATHER, TIME], ...say('weather and time in Oslo?') });
    expect(both.choices[0]?.message.tool_calls?.map((call) => call.function.name)).toStrictEqual([
      'get_weather',
      'get_time',
    ]);
    const one = await complete({
      tools: [WEATHER, TIME],
      parallel_tool_calls: false,
      ...say('weather and time?'),
    });
    expect(one.choices[0]?.message.tool_calls).toHaveLength(1);
  });

  it('honours required, allowed_tools and none', async () => {
    const required = await complete({ tools: [WEATHER, TIME], tool_choice: 'required', ...say('anything') });
    expect(required.choices[0]?.message.tool_calls?.[0]?.function.name).toBe('get_weather');
    const allowed = await complete({
      tools: [WEATHER, TIME],
      tool_choice: {
        type: 'allowed_tools',
        allowed_tools: { mode: 'required', tools: [{ type: 'function', function: { name: 'get_time' } }] },
      },
      ...say('weather please'),
    });
    expect(allowed.choices[0]?.message.tool_calls?.map((call) => call.function.name)).toStrictEqual([
      'get_time',
    ]);
    const none = await complete({ tools: [WEATHER], tool_choice: 'none', ...say('weather?') });
    expect(none.choices[0]?.message.tool_calls ?? []).toStrictEqual([]);
  });

  it('answers from the tool results of the previous turn', async () => {
    const completion = await complete({
      tools: [WEATHER],
      messages: [
        { role: 'user', content: 'weather in Oslo and Rome?' },
        {
          role: 'assistant',
          content: null,
          tool_calls: [
            { id: 'c1', type: 'function', function: { name: 'get_weather', arguments: '{"city":"Oslo"}' } },
            { id: 'c2', type: 'function', function: { name: 'get_weather', arguments: '{"city":"Rome"}' } },
          ],
        },
        { role: 'tool', tool_call_id: 'c1', content: '3°C, snow' },
        { role: 'tool', tool_call_id: 'c2', content: '19°C, sun' },
      ],
    });
    expect(contentOf(completion)).toBe('Tool results: get_weather: 3°C, snow; get_weather: 19°C, sun');
    expect(completion.choices[0]?.finish_reason).toBe('stop');
  });
});

describe('thinking', () => {
  it('thinks by default on simulator/thinker, on request elsewhere, never when disabled', async () => {
    const thinker = await complete({ model: 'simulator/thinker', ...say('hello there') });
    expect(thinker.choices[0]?.message.reasoning_content).toBe(
      'The user wrote 2 words: "hello there". I will repeat the message back.',
    );
    expect(thinker.usage?.completion_tokens_details?.reasoning_tokens).toBe(
      countTokens(thinker.choices[0]?.message.reasoning_content as string),
    );
    const echo = await complete({ thinking: { type: 'enabled' }, ...say('hi') });
    expect(echo.choices[0]?.message.reasoning_content).toBeTruthy();
    const off = await complete({ model: 'simulator/thinker', thinking: { type: 'disabled' }, ...say('hi') });
    expect(off.choices[0]?.message.reasoning_content).toBeUndefined();
    const none = await complete({ model: 'simulator/thinker', reasoning_effort: 'none', ...say('hi') });
    expect(none.choices[0]?.message.reasoning_content).toBeUndefined();
  });
});

describe('directives', () => {
  it('rejects an unknown directive or a bad value with 400 on messages', async () => {
    for (const content of ['hi [simulate:explode]', 'hi [simulate:tps=fast]', 'hi [simulate:error=nope]']) {
      const error = await complete(say(content)).catch(
        (e: { status: number; body: { error: { param: string } } }) => e,
      );
      expect(error).toMatchObject({ status: 400, body: { error: { param: 'messages' } } });
    }
  });

  it('applies adapter-level directives to every request', async () => {
    const error = await complete(say('hi'), failing.url).catch((e: { status: number }) => e);
    expect(error).toMatchObject({ status: 529, body: { error: { code: 'overloaded' } } });
  });

  it('stalls after the first chunk until the client leaves', async () => {
    const controller = new AbortController();
    const res = await fetch(`${server.url}/v1/chat/completions`, {
      method: 'POST',
      body: JSON.stringify({ model: 'simulator/echo', stream: true, ...say('wait [simulate:stall]') }),
      signal: controller.signal,
    });
    const reader = (res.body as ReadableStream<Uint8Array>).getReader();
    const first = new TextDecoder().decode((await reader.read()).value);
    expect(first).toContain('"role":"assistant"');
    // A stalled stream sends nothing more (keep-alives come only after 15 s).
    const next = await Promise.race([
      reader.read(),
      new Promise((resolve) => setTimeout(() => resolve('quiet'), 200)),
    ]);
    expect(next).toBe('quiet');
    controller.abort();
  });
});
