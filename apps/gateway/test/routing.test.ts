import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { type RunningGateway, removeDir, startGateway, tempDir } from './support/gateway-process.js';
import { MockUpstream } from './support/mock-upstream.js';

const UPSTREAMS = ['unavailable', 'reset', 'hang', 'good', 'mid', 'flaky'] as const;

let upstream: MockUpstream;
let gateway: RunningGateway;
/** Zero config but `OPENAI_BASE_URL` pointing at the mock: a local server whose models are discovered. */
let local: RunningGateway;
let playground: string;

beforeAll(async () => {
  upstream = await new MockUpstream().start();
  upstream.behave('unavailable', 'unavailable');
  upstream.behave('reset', 'reset');
  upstream.behave('hang', 'hang');
  upstream.behave('mid', 'break');
  upstream.behave('flaky', 'unavailable');
  const providers = Object.fromEntries(
    UPSTREAMS.map((name) => [
      name,
      {
        type: 'openai-compatible',
        baseURL: upstream.baseURL(name),
        apiKey: `upstream-key-${name}-0123456789`,
        models: ['m'],
        ...(name === 'hang' ? { timeoutMs: 300 } : {}),
      },
    ]),
  );
  upstream.listModels('ollama', ['llama3.2:1b', 'qwen3:4b']);
  const starting = startGateway({ env: { OPENAI_BASE_URL: upstream.baseURL('ollama') } });
  playground = tempDir();
  writeFileSync(join(playground, 'index.html'), '<!doctype html><title>Switchyard playground</title>');
  gateway = await startGateway({
    config: {
      server: { playground },
      providers,
      models: {
        'after-503': { deployments: ['unavailable/m', 'good/m'] },
        'after-reset': { deployments: ['reset/m', 'good/m'] },
        'after-timeout': { deployments: ['hang/m', 'good/m'] },
        'mid-stream': { deployments: ['mid/m', 'good/m'] },
        breaker: { deployments: ['flaky/m', 'good/m'] },
      },
      routing: { retries: 0, breaker: { failureThreshold: 3, cooldownMs: 400 } },
    },
  });
  local = await starting;
});

afterAll(async () => {
  await Promise.all([gateway?.stop(), local?.stop()]);
  if (local) removeDir(local.dataDir);
  if (playground) removeDir(playground);
  await upstream?.close();
  if (gateway) removeDir(gateway.dataDir);
});

function ask(model: string, stream = false): Promise<Response> {
  return gateway.fetch('/v1/chat/completions', {
    method: 'POST',
    body: JSON.stringify({ model, stream, messages: [{ role: 'user', content: 'route me' }] }),
  });
}

async function contentOf(response: Response): Promise<string> {
  return ((await response.json()) as { choices: { message: { content: string } }[] }).choices[0]!.message
    .content;
}

async function breakerState(deployment: string): Promise<string | undefined> {
  const ready = (await (await gateway.fetch('/readyz', { key: null })).json()) as {
    deployments: { deployment: string; state: string }[];
  };
  return ready.deployments.find((d) => d.deployment === deployment)?.state;
}

describe('fallback before the first byte (real upstream over HTTP)', () => {
  it.each([
    ['503', 'after-503', 'unavailable'],
    ['a connection reset', 'after-reset', 'reset'],
    ['a timeout', 'after-timeout', 'hang'],
  ])('falls back to the next deployment after %s', async (_what, model, failing) => {
    const before = upstream.hits(failing);
    const response = await ask(model);
    expect(response.status).toBe(200);
    expect(response.headers.get('x-switchyard-deployment')).toBe('good/m');
    expect(await contentOf(response)).toBe('answer from good');
    expect(upstream.hits(failing)).toBe(before + 1);
  });

  it('falls back for streams too, and the client sees only the second deployment', async () => {
    const response = await ask('after-503', true);
    expect(response.headers.get('x-switchyard-deployment')).toBe('good/m');
    const text = await response.text();
    expect(text).toContain('from good');
    expect(text).not.toContain('unavailable');
    expect(text.endsWith('data: [DONE]\n\n')).toBe(true);
  });

  it('sends the upstream its own key and model id, never the client key', async () => {
    const before = upstream.hits('good');
    await ask('after-503', true).then((r) => r.text());
    expect(upstream.hits('good')).toBe(before + 1);
    expect(upstream.last('good').lastAuthorization).toBe('Bearer upstream-key-good-0123456789');
    expect(upstream.last('good').lastBody?.model).toBe('m');
  });

  it('counts every failed attempt in the upstream error metrics', async () => {
    /** The failed attempts counted for a deployment (with this code, if given). */
    const errors = async (deployment: string, code = '') => {
      const metrics = await (await gateway.fetch('/metrics', { key: null })).text();
      return metrics
        .split('\n')
        .filter(
          (l) =>
            l.startsWith('switchyard_upstream_errors_total{') &&
            l.includes(`deployment="${deployment}"`) &&
            l.includes(`code="${code}`),
        )
        .reduce((sum, l) => sum + Number(l.split(' ').at(-1)), 0);
    };
    // Earlier tests' failures may have opened unavailable/m's breaker (threshold 3): wait until it
    // lets an attempt through again, or no attempt (and no error) would be counted.
    await vi.waitFor(
      async () => {
        const ready = (await (await gateway.fetch('/readyz', { key: null })).json()) as {
          deployments: { deployment: string; state: string }[];
        };
        expect(ready.deployments.find((d) => d.deployment === 'unavailable/m')?.state).not.toBe('open');
      },
      { timeout: 10_000, interval: 50 },
    );
    const before = [await errors('unavailable/m'), await errors('hang/m', 'timeout')];
    await ask('after-503').then((r) => r.text());
    await ask('after-timeout').then((r) => r.text());
    expect([await errors('unavailable/m'), await errors('hang/m', 'timeout')]).toEqual([
      before[0]! + 1,
      before[1]! + 1,
    ]);
  });
});

describe('a failure after the first chunk', () => {
  it('ends the stream with an error event and never splices in another deployment', async () => {
    const goodBefore = upstream.hits('good');
    const response = await ask('mid-stream', true);
    expect(response.status).toBe(200);
    expect(response.headers.get('x-switchyard-deployment')).toBe('mid/m');
    const events = (await response.text()).split('\n\n').filter(Boolean);
    const last = JSON.parse(events.at(-1)!.slice('data: '.length)) as { error?: { type: string } };
    expect(events.slice(0, -1).every((e) => e.includes('"chat.completion.chunk"'))).toBe(true);
    expect(events.join('')).toContain('"content":"answer"');
    expect(last.error).toBeDefined();
    expect(events.join('')).not.toContain('from good');
    expect(events.join('')).not.toContain('[DONE]');
    expect(upstream.hits('good')).toBe(goodBefore);
  });

  it('still falls back when a non-stream answer breaks before anything reached the client', async () => {
    const response = await ask('mid-stream');
    expect(response.headers.get('x-switchyard-deployment')).toBe('good/m');
    expect(await contentOf(response)).toBe('answer from good');
  });
});

describe('circuit breaker', () => {
  it('opens after repeated failures, stops calling the deployment, then half-opens and closes once it recovers', async () => {
    for (let i = 0; i < 3; i++)
      expect((await ask('breaker')).headers.get('x-switchyard-deployment')).toBe('good/m');
    expect(upstream.hits('flaky')).toBe(3);
    expect(await breakerState('flaky/m')).toBe('open');
    expect((await ask('breaker')).headers.get('x-switchyard-deployment')).toBe('good/m');
    expect(upstream.hits('flaky')).toBe(3);

    upstream.behave('flaky', 'ok');
    while ((await breakerState('flaky/m')) !== 'half_open') await new Promise((r) => setTimeout(r, 50));
    const probe = await ask('breaker');
    expect(probe.headers.get('x-switchyard-deployment')).toBe('flaky/m');
    expect(await contentOf(probe)).toBe('answer from flaky');
    expect(await breakerState('flaky/m')).toBe('closed');
    expect((await ask('breaker')).headers.get('x-switchyard-deployment')).toBe('flaky/m');
    expect(upstream.hits('flaky')).toBe(5);
  });
});

describe('a local OpenAI-compatible server from OPENAI_BASE_URL alone', () => {
  it('lists the models discovered from its /v1/models and routes them by bare name, without a key', async () => {
    const models = (await (await local.fetch('/v1/models')).json()) as {
      data: { id: string; owned_by: string }[];
    };
    expect(models.data.filter((m) => m.owned_by === 'ollama').map((m) => m.id)).toEqual([
      'llama3.2:1b',
      'qwen3:4b',
    ]);
    const response = await local.fetch('/v1/chat/completions', {
      method: 'POST',
      body: JSON.stringify({ model: 'llama3.2:1b', messages: [{ role: 'user', content: 'hi' }] }),
    });
    expect(response.status).toBe(200);
    expect(response.headers.get('x-switchyard-deployment')).toBe('local/llama3.2:1b');
    expect(upstream.last('ollama').lastAuthorization).toBeUndefined();
  });

  it('finds a model pulled into the server after the gateway started', async () => {
    upstream.listModels('ollama', ['llama3.2:1b', 'qwen3:4b', 'pulled-later']);
    const response = await local.fetch('/v1/chat/completions', {
      method: 'POST',
      body: JSON.stringify({ model: 'pulled-later', messages: [{ role: 'user', content: 'hi' }] }),
    });
    expect(response.status).toBe(200);
    expect(response.headers.get('x-switchyard-deployment')).toBe('local/pulled-later');
  });
});

describe('the playground build', () => {
  it('is served at / and for client-side routes, while unknown API paths stay JSON 404s', async () => {
    const page = await gateway.fetch('/', { key: null });
    expect(page.headers.get('content-type')).toBe('text/html; charset=utf-8');
    expect(await page.text()).toContain('Switchyard playground');
    expect(await (await gateway.fetch('/settings', { key: null })).text()).toContain('Switchyard playground');
    const api = await gateway.fetch('/v1/nothing-here');
    expect(api.status).toBe(404);
    expect(((await api.json()) as { error: { code: string } }).error.code).toBe('not_found');
  });
});
