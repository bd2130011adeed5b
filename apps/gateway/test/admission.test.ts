import { afterAll, beforeAll, expect, it } from 'vitest';
import { type RunningGateway, removeDir, startGateway } from './support/gateway-process.js';
import { MockUpstream } from './support/mock-upstream.js';

// server.admission over real HTTP: a gateway that may carry 3 requests, 3 streams held open by
// the mock upstream, then more requests than it may take. Bounded in count and time, not timed.
const MAX_IN_FLIGHT = 3;
const EXCESS = 12;

let upstream: MockUpstream;
let gateway: RunningGateway;

beforeAll(async () => {
  upstream = await new MockUpstream().start();
  // Streams to their finish, then hold their usage chunk (and their end) until released.
  upstream.behave('mock', 'late-usage');
  gateway = await startGateway({
    config: {
      server: { admission: { maxInFlight: MAX_IN_FLIGHT } },
      providers: {
        mock: {
          type: 'openai-compatible',
          baseURL: upstream.baseURL('mock'),
          apiKey: 'upstream-key-mock-0123456789',
          models: ['m'],
          discover: false,
        },
      },
      routing: { retries: 0 },
    },
  });
});

afterAll(async () => {
  await gateway?.stop();
  await upstream?.close();
  if (gateway) removeDir(gateway.dataDir);
});

const chat = (stream: boolean) =>
  gateway.fetch('/v1/chat/completions', {
    method: 'POST',
    body: JSON.stringify({ model: 'mock/m', stream, messages: [{ role: 'user', content: 'hi' }] }),
  });

async function refusals(): Promise<number> {
  const text = await (await gateway.fetch('/metrics', { key: null })).text();
  const match = /^switchyard_overload_refusals_total\{cause="in_flight"\} (\d+)$/m.exec(text);
  return Number(match?.[1] ?? 0);
}

it('answers the excess over maxInFlight with 503 overloaded at once, never calling the upstream, and completes every admitted stream', async () => {
  const admitted = await Promise.all(Array.from({ length: MAX_IN_FLIGHT }, () => chat(true)));
  expect(admitted.map((r) => r.status)).toEqual(Array(MAX_IN_FLIGHT).fill(200));
  await expect.poll(() => upstream.last('mock').held.length).toBe(MAX_IN_FLIGHT);

  // All answered while the admitted streams are still held: none waited for room.
  const refused = await Promise.all(Array.from({ length: EXCESS }, (_, i) => chat(i % 2 === 0)));
  expect(upstream.last('mock').held.length).toBe(MAX_IN_FLIGHT);
  for (const response of refused) {
    expect(response.status).toBe(503);
    expect(response.headers.get('retry-after')).toBe('1');
    expect(await response.json()).toMatchObject({ error: { code: 'overloaded', type: 'server_error' } });
  }
  // A front door's clients get the refusal in their own envelope: Anthropic's on /v1/messages.
  const messages = await gateway.fetch('/v1/messages', {
    method: 'POST',
    body: JSON.stringify({ model: 'mock/m', max_tokens: 10, messages: [{ role: 'user', content: 'hi' }] }),
  });
  expect(messages.status).toBe(503);
  expect(messages.headers.get('retry-after')).toBe('1');
  expect(await messages.json()).toMatchObject({ type: 'error', error: { type: 'overloaded_error' } });
  expect(upstream.hits('mock')).toBe(MAX_IN_FLIGHT);
  expect(await refusals()).toBe(EXCESS + 1);
  // Operations stay reachable at the limit.
  expect((await gateway.fetch('/healthz', { key: null })).status).toBe(200);

  upstream.release('mock');
  for (const response of admitted) {
    const events = (await response.text()).trim().split('\n\n');
    expect(events.at(-1)).toBe('data: [DONE]');
    const deltas = events
      .slice(0, -1)
      .map(
        (event) => JSON.parse(event.slice('data: '.length)) as { choices: { delta: { content?: string } }[] },
      );
    expect(deltas.map((e) => e.choices[0]?.delta.content ?? '').join('')).toBe('answer from mock');
  }
  // Room again: the next request is admitted and served.
  upstream.behave('mock', 'ok');
  const next = await chat(false);
  expect(next.status).toBe(200);
  expect(upstream.hits('mock')).toBe(MAX_IN_FLIGHT + 1);
});
