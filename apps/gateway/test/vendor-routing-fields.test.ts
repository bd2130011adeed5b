import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createKey, type RunningGateway, removeDir, startGateway } from './support/gateway-process.js';
import { MockUpstream } from './support/mock-upstream.js';

// A mock of an OpenRouter-like upstream (the mock records what it receives); one gateway with the
// default rules and one with `limits.allowRoutingFields`. A key scoped to `smart` in each.
let upstream: MockUpstream;
let strict: RunningGateway;
let open: RunningGateway;
const keys = new Map<RunningGateway, string>();

const config = (name: string, limits: Record<string, unknown>) => ({
  providers: { [name]: { type: 'openai-compatible', baseURL: upstream.baseURL(name), models: ['m'] } },
  models: { smart: { deployments: [`${name}/m`] } },
  limits,
});

const ROUTING_FIELDS: Record<string, unknown> = {
  models: ['openai/gpt-4o', 'anthropic/claude-opus-4'],
  route: 'fallback',
  provider: { order: ['OpenAI'], allow_fallbacks: true },
  fallbacks: ['gpt-4o'],
};

beforeAll(async () => {
  upstream = await new MockUpstream().start();
  [strict, open] = await Promise.all([
    startGateway({ config: config('strict', {}) }),
    startGateway({ config: config('open', { allowRoutingFields: true }) }),
  ]);
  for (const gateway of [strict, open])
    keys.set(gateway, await createKey(gateway, { name: 'smart only', allowed_models: ['smart'] }));
}, 60_000);

afterAll(async () => {
  await Promise.all([strict?.stop(), open?.stop()]);
  await upstream?.close();
  for (const gateway of [strict, open]) if (gateway) removeDir(gateway.dataDir);
});

function chat(gateway: RunningGateway, fields: Record<string, unknown>): Promise<Response> {
  return gateway.fetch('/v1/chat/completions', {
    key: keys.get(gateway)!,
    method: 'POST',
    body: JSON.stringify({ model: 'smart', messages: [{ role: 'user', content: 'hi' }], ...fields }),
  });
}

describe('vendor fields that choose the upstream model or provider', () => {
  it.each(Object.entries(ROUTING_FIELDS))(
    '`%s` is refused with 400 naming it, before the upstream',
    async (field, value) => {
      const hits = upstream.hits('strict');
      for (const stream of [false, true]) {
        const response = await chat(strict, { [field]: value, stream });
        expect(response.status).toBe(400);
        const { error } = (await response.json()) as {
          error: { code: string; param: string; message: string };
        };
        expect(error).toMatchObject({ code: 'unsupported_parameter', param: field });
        expect(error.message).toContain('limits.allowRoutingFields');
      }
      expect(upstream.hits('strict')).toBe(hits);
    },
  );

  it('a request without them (or with them null) reaches the upstream without them', async () => {
    const response = await chat(strict, { models: null, user: 'vendor-fields-test' });
    expect(response.status).toBe(200);
    const sent = upstream.last('strict').lastBody!;
    expect(sent).toMatchObject({ model: 'm', user: 'vendor-fields-test' });
    for (const field of ['route', 'provider', 'fallbacks']) expect(sent).not.toHaveProperty(field);
  });

  it('with limits.allowRoutingFields they are forwarded as sent', async () => {
    const response = await chat(open, ROUTING_FIELDS);
    expect(response.status).toBe(200);
    expect(upstream.last('open').lastBody).toMatchObject({ model: 'm', ...ROUTING_FIELDS });
  });
});
