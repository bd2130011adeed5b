import { readFileSync } from 'node:fs';
import OpenAI from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse as parseYAML } from 'yaml';
import { type LocalServer, sendJSON, startServer, startSSE } from '../test/support/local-server.js';
import { type ChatCompletion, createClient, ProtocolError } from './index.js';

/**
 * Differential test: every recorded OpenAI-compatible response in `__fixtures__` is served from
 * a local server, then read by this client and by the `openai` npm SDK (v6), which must agree
 * on what both define: the chunks, and the accumulated content, refusal, tool calls, finish
 * reasons and usage. Where the SDK fails on a real provider's quirk, the test pins the
 * difference.
 */

interface Vector {
  name: string;
  kind: 'sse' | 'json';
  status: number;
  body: string;
}

function fixture(name: string): string {
  return readFileSync(new URL(`./__fixtures__/${name}`, import.meta.url), 'utf8');
}

/** The HTTP bodies a fixture holds, framed as the provider sent them. */
function vectors(name: string): Vector[] {
  const text = fixture(name);
  if (name.endsWith('.chunks.txt')) {
    const events = text.split('\n').filter((line) => line.trim() !== '');
    return [
      {
        name,
        kind: 'sse',
        status: 200,
        body: `${events.map((line) => `data: ${line}\n\n`).join('')}data: [DONE]\n\n`,
      },
    ];
  }
  if (name.endsWith('.bin') || name.endsWith('.sse')) return [{ name, kind: 'sse', status: 200, body: text }];
  if (name.endsWith('.json'))
    return [{ name, kind: 'json', status: name.includes('error') ? 400 : 200, body: text }];
  const cassette = parseYAML(text) as {
    interactions: {
      response: { status: { code: number }; body?: { string?: string }; parsed_body?: unknown };
    }[];
  };
  return cassette.interactions.map(({ response }, i) => ({
    name: `${name} #${i + 1}`,
    kind: response.body?.string ? 'sse' : 'json',
    status: response.status.code,
    body: response.body?.string ?? JSON.stringify(response.parsed_body),
  }));
}

/** What both clients define about a completion. */
function essentials(completion: ChatCompletion) {
  return {
    choices: completion.choices.map((choice) => ({
      index: choice.index,
      content: choice.message.content ?? null,
      refusal: choice.message.refusal ?? null,
      tool_calls: choice.message.tool_calls?.map(({ id, type, function: fn }) => ({
        id,
        type,
        name: fn.name,
        arguments: fn.arguments,
      })),
      finish_reason: choice.finish_reason,
    })),
    usage: completion.usage,
  };
}

let server: LocalServer;
let current: Vector;
beforeAll(async () => {
  server = await startServer((_req, res) => {
    if (current.kind === 'json') return sendJSON(res, current.status, current.body);
    startSSE(res);
    res.end(current.body);
  });
});
afterAll(() => server.close());

const request = { model: 'm', messages: [{ role: 'user' as const, content: 'Hi' }] };

function clients(vector: Vector) {
  current = vector;
  return {
    ours: createClient({ baseURL: server.baseURL, maxRetries: 0 }),
    sdk: new OpenAI({ baseURL: server.baseURL, apiKey: 'test', maxRetries: 0 }),
  };
}

async function ourStream(vector: Vector) {
  const { ours } = clients(vector);
  const chunks: unknown[] = [];
  const stream = await ours.chat.completions.create({ ...request, stream: true });
  for await (const chunk of stream) chunks.push(chunk);
  return { chunks, completion: await stream.finalCompletion() };
}

async function sdkChunks(vector: Vector) {
  const { sdk } = clients(vector);
  const chunks: unknown[] = [];
  for await (const chunk of await sdk.chat.completions.create({ ...request, stream: true }))
    chunks.push(chunk);
  return chunks;
}

function sdkFinal(vector: Vector) {
  return clients(vector)
    .sdk.chat.completions.stream({ ...request, stream: true })
    .finalChatCompletion();
}

const AGREEING_STREAMS = [
  // openai/: live gpt-4o recordings (openai-python) and gpt-4.1-nano / gpt-4o (vercel/ai)
  '173417d553406f034f643e5db3f8d591fb691ebac56f5ae39a22cc7d455c5353.bin',
  '4cc50a6135d254573a502310e6af1246f55edb6ad95fa24059f160996b68866d.bin',
  '7e5ea4d12e7cc064399b6631415e65923f182256b6e6b752950a3aaa2ad2320a.bin',
  '83b060bae42eb41c4f1edbb7c1542b954b37d9dfd1910b964ddebc9677e6ae85.bin',
  'f82268f2fefd5cfbc7eeb59c297688be2f6ca0849a6e4f17851b517310841d9b.bin',
  'issue-15789-step-1.chunks.txt',
  'openai-text.chunks.txt',
  // openai-compatible/: DeepSeek, Groq, Z.AI
  'deepseek-reasoning.chunks.txt',
  'deepseek-tool-call.chunks.txt',
  'groq-tool-call.chunks.txt',
  'test_zai_thinking_stream.yaml',
];

const ALL_STREAMS = [
  ...AGREEING_STREAMS,
  'anthropic-fallback-tool-call.sse',
  'issue-13703-mistral-thinking.chunks.txt',
  'mistral-incremental-tool-call.chunks.txt',
];

describe('streams: the same chunks as the openai SDK', () => {
  for (const vector of ALL_STREAMS.flatMap(vectors)) {
    it(vector.name, async () => {
      const ours = await ourStream(vector);

      expect(ours.chunks).toStrictEqual(await sdkChunks(vector));
    });
  }
});

describe('streams: the same accumulated completion as the openai SDK', () => {
  for (const vector of AGREEING_STREAMS.flatMap(vectors)) {
    it(vector.name, async () => {
      const ours = await ourStream(vector);

      expect(essentials(ours.completion)).toStrictEqual(essentials(await sdkFinal(vector)));
    });
  }

  it('anthropic-fallback-tool-call.sse: a first tool call at index 1 makes the SDK throw on the hole at index 0; we return the call', async () => {
    const [vector] = vectors('anthropic-fallback-tool-call.sse') as [Vector];
    const { completion } = await ourStream(vector);

    await expect(sdkFinal(vector)).rejects.toThrow(/reading 'type'/);
    expect(essentials(completion).choices).toStrictEqual([
      {
        index: 0,
        content: 'Reading it.',
        refusal: null,
        tool_calls: [
          { id: 'toolu_sanitized', type: 'function', name: 'read_file', arguments: '{"path": "a.txt"}' },
        ],
        finish_reason: 'tool_calls',
      },
    ]);
  });

  it('mistral-incremental-tool-call.chunks.txt: a stream that never sends a role makes the SDK throw "missing role"; we default to assistant', async () => {
    const [vector] = vectors('mistral-incremental-tool-call.chunks.txt') as [Vector];
    const { completion } = await ourStream(vector);

    await expect(sdkFinal(vector)).rejects.toThrow('missing role for choice 0');
    expect(completion.choices[0]?.message.role).toBe('assistant');
    expect(essentials(completion).choices[0]?.tool_calls).toStrictEqual([
      {
        id: 'chatcmpl-tool-9f149c74c42f265b',
        type: 'function',
        name: 'webSearchTool',
        arguments: '{"query": "current Berlin weather"}',
      },
    ]);
  });

  it('issue-13703-mistral-thinking.chunks.txt: Mistral content-part arrays become "[object Object]…" in the SDK; we split them into text and reasoning', async () => {
    const [vector] = vectors('issue-13703-mistral-thinking.chunks.txt') as [Vector];
    const { completion } = await ourStream(vector);
    const theirs = await sdkFinal(vector);

    expect(theirs.choices[0]?.message.content).toMatch(/^\[object Object\]/);
    expect(completion.choices[0]?.message.content).toBe('391');
    expect(completion.choices[0]?.message.reasoning_content).toMatch(/\S/);
    expect(essentials(completion).usage).toStrictEqual(essentials(theirs).usage);
    expect(completion.choices[0]?.finish_reason).toBe(theirs.choices[0]?.finish_reason);
  });
});

describe('non-stream bodies: the same completion as the openai SDK', () => {
  const names = [
    'openai-text.json',
    'deepseek-json.json',
    'deepseek-tool-call.json',
    'groq-reasoning.json',
    'test_openai_native_output.yaml',
  ];
  for (const vector of names.flatMap(vectors)) {
    it(vector.name, async () => {
      const { ours, sdk } = clients(vector);

      const mine = await ours.chat.completions.create(request);
      const theirs = await sdk.chat.completions.create(request);

      expect(JSON.parse(JSON.stringify(mine))).toStrictEqual(JSON.parse(JSON.stringify(theirs)));
    });
  }
});

describe('error bodies: the same error as the openai SDK', () => {
  it('reasoning-model-legacy-parameter-error.json', async () => {
    const [vector] = vectors('reasoning-model-legacy-parameter-error.json') as [Vector];
    const { ours, sdk } = clients(vector);

    const mine = await ours.chat.completions.create(request).then(undefined, (error: unknown) => error);
    const theirs = await sdk.chat.completions.create(request).then(undefined, (error: unknown) => error);

    expect(ProtocolError.isInstance(mine)).toBe(true);
    expect(theirs).toBeInstanceOf(OpenAI.BadRequestError);
    const [a, b] = [mine as ProtocolError, theirs as InstanceType<typeof OpenAI.BadRequestError>];
    expect(a.name).toBe(b.constructor.name);
    expect([a.status, a.type, a.code, a.param]).toStrictEqual([b.status, b.type, b.code, b.param]);
    // The SDK prefixes the status to the message ("400 Unsupported…"); we keep the server's words.
    expect(b.message).toBe(`${a.status} ${a.message}`);
  });
});
