import type { ChatAdapter } from '@switchyard/adapter-kit';
import { type TestUpstream, testAdapterContext, testChatRequest } from '@switchyard/adapter-kit/testing';
import { ProtocolError } from '@switchyard/protocol';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { JSON_TYPE, startLocalUpstream } from '../test/support/local-upstream.js';
import { createOpenAICompatibleAdapter } from './openai-compatible-adapter.js';
import { deepseek, groq, llamacpp, lmstudio, ollama, openai, openrouter, token360, vllm } from './presets.js';

const COMPLETION = JSON.stringify({
  id: 'chatcmpl-1',
  object: 'chat.completion',
  created: 1,
  model: 'm',
  choices: [
    { index: 0, message: { role: 'assistant', content: 'ok' }, logprobs: null, finish_reason: 'stop' },
  ],
});

let upstream: TestUpstream;
const envNames = new Set<string>();
beforeAll(async () => {
  upstream = await startLocalUpstream((request, res) => {
    if (request.path.endsWith('/models')) {
      res.writeHead(200, { 'content-type': JSON_TYPE });
      res.end(
        JSON.stringify({
          object: 'list',
          data: [
            { id: 'glm-5.1', object: 'model', created: 1776000000, owned_by: 'z-ai' },
            { id: 'local-gguf', object: 'model', meta: { n_ctx_train: 4096 } },
          ],
        }),
      );
      return;
    }
    res.writeHead(200, { 'content-type': JSON_TYPE }).end(COMPLETION);
  });
});
afterAll(() => upstream.close());
afterEach(() => {
  upstream.requests.length = 0;
  for (const name of envNames) delete process.env[name];
  envNames.clear();
});

function setEnv(name: string, value: string) {
  envNames.add(name);
  process.env[name] = value;
}

describe('presets', () => {
  const cases: { make: () => ChatAdapter; provider: string; baseURLEnv: string; keyEnv?: string }[] = [
    {
      make: () => token360(),
      provider: 'token360',
      baseURLEnv: 'TOKEN360_BASE_URL',
      keyEnv: 'TOKEN360_API_KEY',
    },
    { make: () => openai(), provider: 'openai', baseURLEnv: 'OPENAI_BASE_URL', keyEnv: 'OPENAI_API_KEY' },
    {
      make: () => deepseek(),
      provider: 'deepseek',
      baseURLEnv: 'DEEPSEEK_BASE_URL',
      keyEnv: 'DEEPSEEK_API_KEY',
    },
    {
      make: () => openrouter(),
      provider: 'openrouter',
      baseURLEnv: 'OPENROUTER_BASE_URL',
      keyEnv: 'OPENROUTER_API_KEY',
    },
    { make: () => groq(), provider: 'groq', baseURLEnv: 'GROQ_BASE_URL', keyEnv: 'GROQ_API_KEY' },
    { make: () => vllm(), provider: 'vllm', baseURLEnv: 'VLLM_BASE_URL' },
    { make: () => ollama(), provider: 'ollama', baseURLEnv: 'OLLAMA_BASE_URL' },
    { make: () => llamacpp(), provider: 'llamacpp', baseURLEnv: 'LLAMACPP_BASE_URL' },
    { make: () => lmstudio(), provider: 'lmstudio', baseURLEnv: 'LMSTUDIO_BASE_URL' },
  ];

  for (const { make, provider, baseURLEnv, keyEnv } of cases) {
    it(`${provider}: ${baseURLEnv} overrides the base URL${keyEnv ? `, ${keyEnv} is the key` : ', no key needed'}`, async () => {
      setEnv(baseURLEnv, upstream.baseURL);
      const adapter = make();
      expect(adapter.provider).toBe(provider);
      expect(adapter.specificationVersion).toBe('v1');
      if (keyEnv) {
        const missing = (await adapter.complete!(testChatRequest({}), testAdapterContext()).catch(
          (e: unknown) => e,
        )) as ProtocolError;
        expect(ProtocolError.isInstance(missing)).toBe(true);
        expect(missing.message).toContain(keyEnv);
        setEnv(keyEnv, `key-for-${provider}`);
      }
      await adapter.complete!(testChatRequest({}), testAdapterContext());
      const received = upstream.requests.pop()!;
      expect(received.path).toBe('/v1/chat/completions');
      expect(received.headers.authorization).toBe(keyEnv ? `Bearer key-for-${provider}` : undefined);
    });
  }

  it('settings passed to a preset win over its defaults and the environment', async () => {
    setEnv('TOKEN360_BASE_URL', 'http://127.0.0.1:1/v1');
    const adapter = token360({
      baseURL: upstream.baseURL,
      apiKey: 'explicit',
      headers: { 'x-tenant': 't1' },
    });
    await adapter.complete!(testChatRequest({}), testAdapterContext());
    const received = upstream.requests.pop()!;
    expect(received.headers.authorization).toBe('Bearer explicit');
    expect(received.headers['x-tenant']).toBe('t1');
  });

  it('vLLM sends VLLM_API_KEY when the server was started with --api-key', async () => {
    setEnv('VLLM_API_KEY', 'vllm-secret');
    await vllm({ baseURL: upstream.baseURL }).complete!(testChatRequest({}), testAdapterContext());
    expect(upstream.requests.pop()!.headers.authorization).toBe('Bearer vllm-secret');
  });
});

describe('listModels', () => {
  it('lists the upstream /models once per TTL, concurrent callers sharing one request', async () => {
    const adapter = createOpenAICompatibleAdapter({ name: 'local', baseURL: upstream.baseURL });
    const signal = new AbortController().signal;
    const [first, second] = await Promise.all([
      adapter.listModels({ signal }),
      adapter.listModels({ signal }),
    ]);
    expect(first).toStrictEqual([
      { id: 'glm-5.1', object: 'model', created: 1776000000, owned_by: 'z-ai' },
      { id: 'local-gguf', object: 'model', created: 0, owned_by: 'local', meta: { n_ctx_train: 4096 } },
    ]);
    expect(second).toBe(first);
    await adapter.listModels({ signal });
    expect(upstream.requests.filter((request) => request.path === '/v1/models')).toHaveLength(1);
    expect(upstream.requests[0]!.method).toBe('GET');
  });

  it('reloads after the TTL and does not cache failures', async () => {
    const adapter = createOpenAICompatibleAdapter({
      name: 'local',
      baseURL: upstream.baseURL,
      discoverModels: { ttl: 0 },
    });
    const signal = new AbortController().signal;
    await adapter.listModels({ signal });
    await adapter.listModels({ signal });
    expect(upstream.requests).toHaveLength(2);

    const failing = await startLocalUpstream((_request, res) => {
      res.writeHead(503, { 'content-type': JSON_TYPE }).end('{"error":{"message":"down"}}');
    });
    try {
      const down = createOpenAICompatibleAdapter({ name: 'down', baseURL: failing.baseURL });
      for (let i = 0; i < 2; i++) {
        const error = (await down.listModels({ signal }).catch((e: unknown) => e)) as ProtocolError;
        expect(error.status).toBe(503);
      }
      expect(failing.requests).toHaveLength(2);
    } finally {
      await failing.close();
    }
  });

  it('a static list is returned without asking the upstream', async () => {
    const adapter = createOpenAICompatibleAdapter({
      name: 'token360',
      baseURL: upstream.baseURL,
      models: ['glm-5.1', { id: 'glm-4.7', object: 'model', created: 5, owned_by: 'z-ai' }],
    });
    expect(await adapter.listModels({ signal: new AbortController().signal })).toStrictEqual([
      { id: 'glm-5.1', object: 'model', created: 0, owned_by: 'token360' },
      { id: 'glm-4.7', object: 'model', created: 5, owned_by: 'z-ai' },
    ]);
    expect(upstream.requests).toHaveLength(0);
  });
});
