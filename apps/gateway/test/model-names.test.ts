import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createKey, type RunningGateway, removeDir, startGateway } from './support/gateway-process.js';
import { MockUpstream } from './support/mock-upstream.js';

/**
 * Model names are client input: too long ones are refused, made-up ones leave no per-name state
 * (metrics series, breakers, `/readyz` entries), and key scopes neither leak which models exist
 * nor refuse an allowed model's aliases. The upstream is a mock (`MockUpstream`, strict: it
 * answers only the models it lists, 404 for any other).
 */

let upstream: MockUpstream;
let gateway: RunningGateway;

beforeAll(async () => {
  upstream = await new MockUpstream().start();
  upstream.behave('mock', 'strict');
  // `m` is declared in the config; the `real-*` models exist upstream but are reached by passthrough.
  upstream.listModels('mock', ['m', 'n', 'real-1', 'real-2', 'real-3']);
  gateway = await startGateway({
    config: {
      providers: {
        mock: {
          type: 'openai-compatible',
          baseURL: upstream.baseURL('mock'),
          apiKey: 'upstream-key-mock-0123456789',
          models: ['m', 'n'],
        },
      },
      models: { smart: { deployments: ['mock/m'], aliases: ['gpt-4o'] } },
      routing: { retries: 0, maxPassthroughModels: 2 },
    },
  });
});

afterAll(async () => {
  await gateway?.stop();
  await upstream?.close();
  if (gateway) removeDir(gateway.dataDir);
});

function ask(model: string, options: { key?: string; stream?: boolean } = {}): Promise<Response> {
  return gateway.fetch('/v1/chat/completions', {
    method: 'POST',
    ...(options.key === undefined ? {} : { key: options.key }),
    body: JSON.stringify({
      model,
      stream: options.stream ?? false,
      messages: [{ role: 'user', content: 'hi' }],
    }),
  });
}

interface Envelope {
  error: { message: string; type: string; param: string | null; code: string | null };
}

async function errorOf(response: Response): Promise<Envelope['error'] & { status: number }> {
  const { error } = (await response.json()) as Envelope;
  return { status: response.status, ...error };
}

const metricsText = async () => (await gateway.fetch('/metrics', { key: null })).text();

async function readyDeployments(): Promise<string[]> {
  const ready = (await (await gateway.fetch('/readyz', { key: null })).json()) as {
    deployments: { deployment: string }[];
  };
  return ready.deployments.map((d) => d.deployment);
}

describe('model names', () => {
  it('refuses a name over 256 characters with a 400 naming the model field, before any upstream call', async () => {
    const hits = upstream.hits('mock');
    for (const length of [257, 1 << 20]) {
      const error = await errorOf(await ask(`mock/${'x'.repeat(length)}`));
      expect(error).toMatchObject({
        status: 400,
        type: 'invalid_request_error',
        param: 'model',
        code: 'invalid_request',
      });
      expect(error.message).toContain('at most 256');
      expect(error.message.length).toBeLessThan(200);
    }
    const long = await gateway.fetch(`/v1/models/mock/${'x'.repeat(300)}`);
    expect(await errorOf(long)).toMatchObject({ status: 400, param: 'model' });
    expect(upstream.hits('mock')).toBe(hits);
    expect(await metricsText()).not.toContain('xxxxxxxx');
  });

  it('made-up passthrough names share one `other` label and leave no breaker or /readyz entry', async () => {
    expect((await errorOf(await ask('mock/made-up-0'))).status).toBe(404);
    const size = (await metricsText()).length;
    for (let i = 1; i <= 40; i++) {
      const response = await ask(`mock/made-up-${i}-${'y'.repeat(200)}`, { stream: i % 2 === 0 });
      expect(response.status).toBe(404);
      expect(response.headers.get('x-switchyard-deployment')).toBeNull();
      await response.body?.cancel();
    }
    const text = await metricsText();
    expect(text).not.toContain('made-up');
    // Filed under the deployment that failed them (all `other`), not "none".
    expect(text).toContain('switchyard_requests_total{model="other",deployment="other",status="404"} 41');
    expect(text).toContain('switchyard_upstream_errors_total{deployment="other",code="model_not_found"} 41');
    // Forty more names: the same series, only their counts changed.
    expect(text.length - size).toBeLessThan(200);
    expect((await readyDeployments()).filter((d) => d.includes('made-up'))).toEqual([]);
  });

  it('passthrough names an upstream answered keep their own labels, up to routing.maxPassthroughModels', async () => {
    const deployments: (string | null)[] = [];
    for (const model of ['mock/real-1', 'mock/real-2', 'mock/real-3']) {
      for (let i = 0; i < 2; i++) {
        const response = await ask(model);
        expect(response.status).toBe(200);
        deployments.push(response.headers.get('x-switchyard-deployment'));
        await response.body?.cancel();
      }
    }
    expect(deployments).toEqual([
      'mock/real-1',
      'mock/real-1',
      'mock/real-2',
      'mock/real-2',
      'other',
      'other',
    ]);
    const text = await metricsText();
    expect(text).toContain(
      'switchyard_requests_total{model="mock/real-1",deployment="mock/real-1",status="200"} 2',
    );
    expect(text).toContain('switchyard_requests_total{model="other",deployment="other",status="200"} 2');
    expect(text).not.toContain('real-3');
    const ready = await readyDeployments();
    expect(ready).toEqual(expect.arrayContaining(['mock/real-1', 'mock/real-2']));
    expect(ready).not.toContain('mock/real-3');
  });
});

describe('key scopes', () => {
  it('a model the key may not use gets the same 404 as one that does not exist', async () => {
    const key = await createKey(gateway, { name: 'smart only', allowed_models: ['smart'] });
    const hits = upstream.hits('mock');
    const hidden = await errorOf(await ask('mock/n', { key }));
    const missing = await errorOf(await ask('mock/nothing-here', { key }));
    const unknown = await errorOf(await ask('nowhere/nothing', { key }));
    for (const [error, model] of [
      [hidden, 'mock/n'],
      [missing, 'mock/nothing-here'],
      [unknown, 'nowhere/nothing'],
    ] as const) {
      const { request_id: _, ...shape } = error as typeof error & { request_id?: string };
      expect(shape).toEqual({
        status: 404,
        type: 'not_found_error',
        param: 'model',
        code: 'model_not_found',
        message: `The model '${model}' does not exist or you do not have access to it.`,
      });
    }
    expect(upstream.hits('mock')).toBe(hits);
    expect((await gateway.fetch('/v1/models/mock/n', { key })).status).toBe(404);
  });

  it('a key scoped to a model may use its aliases, and a key scoped to an alias the model', async () => {
    const toModel = await createKey(gateway, { name: 'smart', allowed_models: ['smart'] });
    const toAlias = await createKey(gateway, { name: 'gpt-4o', allowed_models: ['gpt-4o'] });
    for (const key of [toModel, toAlias]) {
      for (const model of ['smart', 'gpt-4o']) {
        const response = await ask(model, { key, stream: model === 'gpt-4o' });
        expect(response.status, `${model}`).toBe(200);
        expect(response.headers.get('x-switchyard-deployment')).toBe('mock/m');
        await response.text();
      }
      const listed = (await (await gateway.fetch('/v1/models', { key })).json()) as {
        data: { id: string }[];
      };
      expect(listed.data.map((m) => m.id)).toEqual(['smart']);
    }
  });
});
