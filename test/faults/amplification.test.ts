import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HEALTHZ_CEILING_MS } from '../fuzz/properties.js';
import {
  ADMIN_KEY,
  assertHealthy,
  ledgerRow,
  type RunningGateway,
  readEvents,
  removeDir,
  rssBytes,
  sleep,
  startGateway,
} from './support/harness.js';

/**
 * One request against the others (issue 22, items 1 and 6): prompts that cost a tokenizer
 * quadratic time, and `n` times a huge echo, against real gateway processes. The property is the
 * event loop's: `/healthz` keeps answering while such a request is in flight, and the answer's
 * size is bounded.
 */

/** A run of one character just under the default 4 MiB body limit. */
const FOUR_MB = 'a'.repeat(4_000_000);
const RESPONSE_LIMIT = 64 * 1024;

let gateway: RunningGateway;
/** The same gateway with a small `server.responseLimitBytes`. */
let capped: RunningGateway;

beforeAll(async () => {
  [gateway, capped] = await Promise.all([
    startGateway({ env: { SWITCHYARD_ADMIN_KEY: ADMIN_KEY } }),
    startGateway({
      env: { SWITCHYARD_ADMIN_KEY: ADMIN_KEY },
      config: { server: { responseLimitBytes: RESPONSE_LIMIT } },
    }),
  ]);
  // Warm up (the tokenizer's tables load in the background at start): the subject is the request.
  await Promise.all([assertHealthy(gateway, 'simulator/echo'), assertHealthy(capped, 'simulator/echo')]);
});

afterAll(async () => {
  for (const running of [gateway, capped]) {
    await running?.stop();
    if (running) removeDir(running.dataDir);
  }
});

function chat(target: RunningGateway, body: Record<string, unknown>, requestId?: string): Promise<Response> {
  return target.fetch('/v1/chat/completions', {
    method: 'POST',
    body: JSON.stringify({ model: 'simulator/echo', ...body }),
    ...(requestId ? { headers: { 'x-request-id': requestId } } : {}),
  });
}

/**
 * Runs `heavy` and polls `/healthz` while it is in flight; resolves with the heavy answer's size in
 * bytes and the slowest `/healthz`.
 */
async function whileInFlight(
  heavy: () => Promise<Response>,
): Promise<{ status: number; bytes: number; probes: number; slowestMs: number }> {
  let settled = false;
  const answer = heavy().then(async (response) => {
    const bytes = (await response.arrayBuffer()).byteLength;
    settled = true;
    return { status: response.status, bytes };
  });
  let probes = 0;
  let slowestMs = 0;
  while (!settled) {
    const started = performance.now();
    const health = await gateway.fetch('/healthz', { key: null, signal: AbortSignal.timeout(60_000) });
    expect(health.status).toBe(200);
    if (!settled) {
      probes++;
      slowestMs = Math.max(slowestMs, performance.now() - started);
    }
    await sleep(10);
  }
  return { ...(await answer), probes, slowestMs };
}

describe('a prompt that is one long run of a character (quadratic BPE)', () => {
  it.each([
    ['200,000 characters', 'a'.repeat(200_000), false],
    ['4 MB, streamed', FOUR_MB, true],
  ])(
    '%s: /healthz keeps answering while it is counted',
    async (_, content, stream) => {
      const result = await whileInFlight(() =>
        chat(gateway, { stream, messages: [{ role: 'user', content }] }),
      );
      expect(result.status).toBe(200);
      expect(result.probes).toBeGreaterThan(0);
      expect(result.slowestMs).toBeLessThan(HEALTHZ_CEILING_MS);
      await assertHealthy(gateway, 'simulator/echo');
    },
    60_000,
  );
});

describe('n: 128 on a 4 MB prompt (amplification)', () => {
  it.each([false, true])(
    'stream %s: the answer and the memory stay bounded, /healthz answers',
    async (stream) => {
      const before = rssBytes(gateway.process.pid as number);
      const result = await whileInFlight(() =>
        chat(gateway, { stream, n: 128, messages: [{ role: 'user', content: FOUR_MB }] }),
      );
      expect(result.status).toBe(200);
      // 16,384 tokens in all (128 per choice): it was 512 MB.
      expect(result.bytes).toBeLessThan(8 * 1024 * 1024);
      expect(result.slowestMs).toBeLessThan(HEALTHZ_CEILING_MS);
      expect(rssBytes(gateway.process.pid as number) - before).toBeLessThan(512 * 1024 * 1024);
    },
    60_000,
  );
});

describe('server.responseLimitBytes', () => {
  const babble = (stream: boolean) => ({
    model: 'simulator/babble',
    stream,
    n: 8,
    messages: [{ role: 'user', content: 'x [simulate:words=2000]' }],
  });

  it('refuses a whole answer over the limit with a 502 bad_response envelope, and records it', async () => {
    const response = await chat(capped, babble(false), 'req-too-large-json');
    expect(response.status).toBe(502);
    const body = (await response.json()) as { error: { code: string; message: string; type: string } };
    expect(body.error).toMatchObject({ code: 'bad_response', type: 'server_error' });
    expect(body.error.message).toContain(`larger than ${RESPONSE_LIMIT} bytes`);
    const row = await ledgerRow(capped, 'req-too-large-json');
    expect(row).toMatchObject({ status: 502, error_code: 'bad_response' });
    expect(row.completion_tokens).toBeGreaterThan(0);
  });

  it('ends a stream that grows past the limit with a bad_response error event', async () => {
    const response = await chat(capped, babble(true), 'req-too-large-sse');
    expect(response.status).toBe(200);
    const events = await readEvents(response);
    expect(events.join('\n').length).toBeLessThan(RESPONSE_LIMIT + 4096);
    expect(JSON.parse(events.at(-1) as string)).toMatchObject({ error: { code: 'bad_response' } });
    expect(await ledgerRow(capped, 'req-too-large-sse')).toMatchObject({
      error_code: 'bad_response',
      stream: 1,
    });
    await assertHealthy(capped, 'simulator/echo');
  });
});
