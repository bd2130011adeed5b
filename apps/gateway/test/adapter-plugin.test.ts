import { writeFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  answerError,
  CONTENT_TYPES,
  linesBody,
  serveBody,
  serveJson,
  startTestUpstream,
  type TestUpstream,
} from '@switchyard/adapter-kit/testing';
import OpenAI from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { main } from '../src/cli/main.js';
import { type RunningGateway, removeDir, startGateway, tempDir } from './support/gateway-process.js';

// A third-party adapter served from config alone: the worked example of CONTRIBUTING.md
// (examples/larch-adapter, not a dependency of the gateway) named by file path in `module:`.
// The upstream is a MOCK of the fictional Larch API, answering with its documented bodies.

const LARCH_ENTRY = fileURLToPath(new URL('../../../examples/larch-adapter/src/index.ts', import.meta.url));
const API_KEY = 'larch-gateway-test-key-1234';

let upstream: TestUpstream;
let gateway: RunningGateway;
let client: OpenAI;
let dir: string;
let configFile: string;

beforeAll(async () => {
  upstream = await startTestUpstream((request, res) => {
    const body = request.json as { turns: { text: string }[]; stream: boolean };
    const said = body.turns.at(-1)?.text ?? '';
    if (said.includes('FAIL')) {
      const failure = { failure: { kind: 'rate_limited', detail: 'Slow down.' } };
      return answerError(429, failure, { headers: { 'x-should-retry': 'false' } })(request, res);
    }
    const tokens = { input: 3, output: 2 };
    if (!body.stream)
      return serveJson({ id: 'gen_1', output: 'Hello there.', end: 'complete', tokens })(request, res);
    const lines = [
      { event: 'start', id: 'gen_2' },
      { event: 'text', text: 'Hello' },
      { event: 'text', text: ' there.' },
      { event: 'end', end: 'complete', tokens },
    ];
    return serveBody(linesBody(lines), CONTENT_TYPES.ndjson)(request, res);
  });
  dir = tempDir();
  configFile = join(dir, 'switchyard.json');
  const config = {
    providers: {
      larch: {
        type: 'larch',
        module: relative(dirname(configFile), LARCH_ENTRY).replace(/^(?!\.)/, './'),
        baseURL: `${upstream.origin}/v2`,
        apiKey: API_KEY,
        models: ['larch-1'],
      },
    },
  };
  writeFileSync(configFile, JSON.stringify(config));
  gateway = await startGateway({ args: ['--config', configFile] });
  client = new OpenAI({ baseURL: `${gateway.url}/v1`, apiKey: gateway.adminKey, maxRetries: 0 });
});

afterAll(async () => {
  await gateway?.stop();
  await upstream?.close();
  if (gateway) removeDir(gateway.dataDir);
  if (dir) removeDir(dir);
});

describe('an adapter plugin loaded by file path from the config', () => {
  it('config check loads it and lists the provider', async () => {
    let out = '';
    const code = await main(['config', 'check', '--config', configFile], {
      out: (text) => {
        out += text;
      },
      err: () => {},
      env: {},
    });
    expect(code).toBe(0);
    expect(out).toMatch(/larch\s+larch\s+file/);
  });

  it('non-stream: the answer and usage, through the openai SDK', async () => {
    const completion = await client.chat.completions.create({
      model: 'larch/larch-1',
      messages: [{ role: 'user', content: 'Hi' }],
    });
    expect(completion.choices[0]?.message.content).toBe('Hello there.');
    expect(completion.usage).toMatchObject({ prompt_tokens: 3, completion_tokens: 2, total_tokens: 5 });
    expect(upstream.lastRequest().headers['x-larch-key']).toBe(API_KEY);
    expect(upstream.lastRequest().json).toMatchObject({
      model: 'larch-1',
      turns: [{ speaker: 'human', text: 'Hi' }],
    });
  });

  it('stream: NDJSON lines become chunks', async () => {
    const stream = await client.chat.completions.create({
      model: 'larch/larch-1',
      messages: [{ role: 'user', content: 'Hi' }],
      stream: true,
      stream_options: { include_usage: true },
    });
    let text = '';
    let usage: OpenAI.CompletionUsage | null | undefined;
    for await (const chunk of stream) {
      text += chunk.choices[0]?.delta.content ?? '';
      if (chunk.usage) usage = chunk.usage;
    }
    expect(text).toBe('Hello there.');
    expect(usage?.total_tokens).toBe(5);
  });

  it("errors: Larch's failure body becomes the OpenAI envelope with its status", async () => {
    const error = await client.chat.completions
      .create({ model: 'larch/larch-1', messages: [{ role: 'user', content: 'FAIL please' }] })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(OpenAI.APIError);
    expect((error as InstanceType<typeof OpenAI.APIError>).status).toBe(429);
    expect((error as InstanceType<typeof OpenAI.APIError>).code).toBe('rate_limit_exceeded');
    expect((error as InstanceType<typeof OpenAI.APIError>).message).toContain('Larch: Slow down.');
  });
});
