import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { closedPort, FAULTS, type Fault, FaultUpstream, HungSocketServer } from './support/fault-upstream.js';
import {
  ADMIN_KEY,
  assertHealthy,
  eventually,
  ledgerRow,
  metric,
  type RunningGateway,
  readEvents,
  removeDir,
  startGateway,
} from './support/harness.js';

/**
 * Upstream faults against a real gateway process: for each, the status (or the stream's error
 * event) the client gets, the ledger row, the metrics, and a gateway that keeps serving.
 */

const TIMEOUT_MS = 1_500;
/** Below the 64 MiB the `oversized` fault sends (the default limit is 32 MiB). */
const MAX_RESPONSE_BYTES = 8 * 1024 * 1024;
let upstream: FaultUpstream;
let hung: HungSocketServer;
let gateway: RunningGateway;

beforeAll(async () => {
  upstream = await new FaultUpstream().start();
  hung = await new HungSocketServer().start();
  const refusedPort = await closedPort();
  const provider = (baseURL: string, models: string[]) => ({
    type: 'openai-compatible',
    baseURL,
    apiKey: 'sk-test-secret-upstream-0123456789',
    models,
    discover: false,
  });
  gateway = await startGateway({
    env: { SWITCHYARD_ADMIN_KEY: ADMIN_KEY },
    config: {
      providers: {
        // Every fault declared, so that each keeps its own metrics series even though it never
        // answers (undeclared passthrough names that never answered all count as `other`).
        faulty: {
          ...provider(upstream.baseURL, [...FAULTS]),
          options: { maxResponseBytes: MAX_RESPONSE_BYTES },
        },
        // The same upstream with a long timeout, for the "still healthy" check: a busy CI
        // machine must not fail it for the short timeouts the faults are tested with.
        healthy: { ...provider(upstream.baseURL, ['ok']), timeoutMs: 30_000 },
        refused: provider(`http://127.0.0.1:${refusedPort}/v1`, ['ok']),
        hung: provider(`${hung.url}/v1`, ['ok']),
      },
      models: {
        // One retry on its own: the upstream's retry-after is waited for, then the error stands.
        retrying: { deployments: ['faulty/unavailable-retry-after'], retries: 1 },
      },
      routing: {
        retries: 0,
        timeoutMs: TIMEOUT_MS,
        streamIdleTimeoutMs: TIMEOUT_MS,
        breaker: { failureThreshold: 1_000 },
      },
    },
  });
});

afterAll(async () => {
  await gateway?.stop();
  await upstream?.close();
  await hung?.close();
  if (gateway) removeDir(gateway.dataDir);
});

function complete(model: string, stream = false): Promise<Response> {
  return gateway.fetch('/v1/chat/completions', {
    method: 'POST',
    body: JSON.stringify({ model, stream, messages: [{ role: 'user', content: 'hi' }] }),
  });
}

interface ErrorBody {
  error: { message: string; type: string; param: string | null; code: string | null };
}

interface Case {
  /** `provider/model`; the fault upstream reads the fault from the model. */
  model: string;
  stream: boolean;
  status: number;
  code: string;
  /** Response headers the client must get. */
  headers?: Record<string, string>;
}

// Errors before the first byte are answered as a JSON error with a status, even for streams
// (nothing was sent yet); retries are off here, so each fault reaches the client as it is.
const BEFORE_FIRST_BYTE: Case[] = [
  { model: 'refused/ok', stream: false, status: 502, code: 'connection_error' },
  { model: 'refused/ok', stream: true, status: 502, code: 'connection_error' },
  { model: 'faulty/reset-before-headers', stream: false, status: 502, code: 'connection_error' },
  { model: 'faulty/reset-before-headers', stream: true, status: 502, code: 'connection_error' },
  { model: 'faulty/slow-first-byte', stream: false, status: 504, code: 'timeout' },
  { model: 'faulty/slow-first-byte', stream: true, status: 504, code: 'timeout' },
  { model: 'hung/ok', stream: false, status: 504, code: 'timeout' },
  { model: 'hung/ok', stream: true, status: 504, code: 'timeout' },
  {
    model: 'faulty/rate-limited-retry-after',
    stream: false,
    status: 429,
    code: 'rate_limit_exceeded',
    headers: { 'retry-after': '1' },
  },
  { model: 'faulty/rate-limited', stream: false, status: 429, code: 'rate_limit_exceeded' },
  { model: 'faulty/rate-limited', stream: true, status: 429, code: 'rate_limit_exceeded' },
  { model: 'faulty/server-error', stream: false, status: 500, code: 'server_error' },
  {
    model: 'faulty/unavailable-retry-after',
    stream: true,
    status: 503,
    code: 'server_error',
    headers: { 'retry-after': '1' },
  },
  { model: 'faulty/malformed-json', stream: false, status: 502, code: 'bad_response' },
  { model: 'faulty/reset-mid-stream', stream: false, status: 502, code: 'connection_error' },
  { model: 'faulty/oversized', stream: false, status: 502, code: 'bad_response' },
];

describe('upstream faults before the first byte reach the client as an error status', () => {
  it.each(BEFORE_FIRST_BYTE)('$model (stream: $stream) → $status $code', async (c) => {
    const requests = { model: c.model, status: String(c.status) };
    const before = await metric(gateway, 'switchyard_requests_total', requests);
    const failures = { deployment: c.model, code: c.code };
    const failed = await metric(gateway, 'switchyard_upstream_errors_total', failures);
    const response = await complete(c.model, c.stream);
    const body = (await response.json()) as ErrorBody;
    expect({ status: response.status, code: body.error.code }).toEqual({ status: c.status, code: c.code });
    expect(body.error.message).toEqual(expect.any(String));
    expect(response.headers.get('content-type')).toMatch(/^application\/json/);
    for (const [name, value] of Object.entries(c.headers ?? {}))
      expect(response.headers.get(name)).toBe(value);

    const requestId = response.headers.get('x-request-id')!;
    const row = await ledgerRow(gateway, requestId);
    expect(row).toMatchObject({ model: c.model, status: c.status, error_code: c.code });
    expect(await metric(gateway, 'switchyard_requests_total', requests)).toBe(before + 1);
    expect(await metric(gateway, 'switchyard_upstream_errors_total', failures)).toBe(failed + 1);
    await assertHealthy(gateway, 'healthy/ok');
  });
});

interface StreamCase {
  model: string;
  /** The status the ledger and metrics record (the HTTP status was already 200). */
  status: number;
  code: string;
}

// After the first chunk the status is 200 already: the stream ends with one error event, never
// with [DONE], and the ledger records the failure.
const AFTER_FIRST_BYTE: StreamCase[] = [
  { model: 'faulty/reset-mid-stream', status: 502, code: 'connection_error' },
  { model: 'faulty/stall-mid-stream', status: 504, code: 'timeout' },
  { model: 'faulty/malformed-sse', status: 502, code: 'bad_response' },
  { model: 'faulty/endless-line', status: 502, code: 'bad_response' },
];

describe('upstream faults after the first chunk end the stream with an error event', () => {
  it.each(AFTER_FIRST_BYTE)('$model → error event $code, ledger $status', async (c) => {
    const requests = { model: c.model, status: String(c.status) };
    const before = await metric(gateway, 'switchyard_requests_total', requests);
    const failures = { deployment: c.model, code: c.code };
    const failed = await metric(gateway, 'switchyard_upstream_errors_total', failures);
    const response = await complete(c.model, true);
    expect(response.status).toBe(200);
    const events = await readEvents(response);
    expect(events.at(-1)).not.toBe('[DONE]');
    const last = JSON.parse(events.at(-1)!) as ErrorBody;
    expect(last.error.code).toBe(c.code);
    expect(events.filter((e) => e.includes('"error"'))).toHaveLength(1);
    expect(events.some((e) => e.includes('first'))).toBe(true);

    const row = await ledgerRow(gateway, response.headers.get('x-request-id')!);
    expect(row).toMatchObject({ model: c.model, stream: 1, status: c.status, error_code: c.code });
    expect(await metric(gateway, 'switchyard_requests_total', requests)).toBe(before + 1);
    expect(await metric(gateway, 'switchyard_upstream_errors_total', failures)).toBe(failed + 1);
    await assertHealthy(gateway, 'healthy/ok');
  });
});

describe('retries', () => {
  it('a 503 with retry-after is retried once, then answered with its status and retry-after', async () => {
    const hits = upstream.hitsOf('unavailable-retry-after');
    const response = await complete('retrying');
    const body = (await response.json()) as ErrorBody;
    expect({ status: response.status, code: body.error.code }).toEqual({ status: 503, code: 'server_error' });
    expect(response.headers.get('retry-after')).toBe('1');
    expect(upstream.hitsOf('unavailable-retry-after')).toBe(hits + 2);
    const row = await ledgerRow(gateway, response.headers.get('x-request-id')!);
    expect(row).toMatchObject({ model: 'retrying', status: 503, error_code: 'server_error' });
    await assertHealthy(gateway, 'healthy/ok');
  });
});

describe('resources after upstream faults', () => {
  it('every upstream call ended and no stream is left open', async () => {
    await eventually(() => upstream.active === 0, 'upstream requests finished');
    await eventually(() => hung.open === 0, 'hung sockets closed by the gateway');
    await eventually(
      async () => (await metric(gateway, 'switchyard_inflight_streams')) === 0,
      'in-flight streams gauge back to 0',
    );
  });
});

export type { Fault };
