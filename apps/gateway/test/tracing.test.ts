import { once } from 'node:events';
import { readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { gunzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type RunningGateway, removeDir, startGateway, tempDir } from './support/gateway-process.js';
import { MockUpstream } from './support/mock-upstream.js';

/** An OTLP attribute value as the OTLP/HTTP JSON encoding sends it. */
interface OtlpValue {
  stringValue?: string;
  intValue?: string | number;
  doubleValue?: number;
  boolValue?: boolean;
  arrayValue?: { values?: OtlpValue[] };
}
interface OtlpSpan {
  traceId: string;
  spanId: string;
  parentSpanId?: string;
  name: string;
  kind: number;
  attributes?: { key: string; value: OtlpValue }[];
  events?: { name: string }[];
  status?: { code?: number; message?: string };
}
interface OtlpExport {
  resourceSpans: { scopeSpans: { spans: OtlpSpan[] }[] }[];
}

/** A decoded span: its attributes as plain values. */
interface Exported extends OtlpSpan {
  readonly attrs: Record<string, unknown>;
}

const SPAN_KIND_SERVER = 2;
const SPAN_KIND_CLIENT = 3;
const STATUS_ERROR = 2;

function plain(value: OtlpValue): unknown {
  if (value.arrayValue) return (value.arrayValue.values ?? []).map(plain);
  if (value.intValue !== undefined) return Number(value.intValue);
  return value.stringValue ?? value.doubleValue ?? value.boolValue;
}

/** A local OTLP/HTTP collector: keeps every span exported to `/v1/traces` (JSON, as the http exporter sends it). */
class Collector {
  readonly spans: Exported[] = [];
  /** Every export body as received, to search for what must never be there. */
  readonly raw: string[] = [];
  readonly #server: Server = createServer((req, res) => {
    const parts: Buffer[] = [];
    req.on('data', (part: Buffer) => parts.push(part));
    req.on('end', () => {
      const body = Buffer.concat(parts);
      const text = (req.headers['content-encoding'] === 'gzip' ? gunzipSync(body) : body).toString('utf8');
      this.raw.push(text);
      const decoded = JSON.parse(text) as OtlpExport;
      for (const resource of decoded.resourceSpans)
        for (const scope of resource.scopeSpans)
          for (const span of scope.spans)
            this.spans.push({
              ...span,
              attrs: Object.fromEntries((span.attributes ?? []).map((a) => [a.key, plain(a.value)])),
            });
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end('{}');
    });
  });
  url = '';

  async start(): Promise<this> {
    this.#server.listen(0, '127.0.0.1');
    await once(this.#server, 'listening');
    this.url = `http://127.0.0.1:${(this.#server.address() as AddressInfo).port}`;
    return this;
  }

  /** The spans of the request `requestId`: its server span and every span below it, once exported. */
  async traceOf(requestId: string, expected: number): Promise<{ server: Exported; spans: Exported[] }> {
    for (let i = 0; i < 250; i++) {
      const server = this.spans.find((s) => s.attrs['switchyard.request.id'] === requestId);
      if (server) {
        const spans = this.spans.filter((s) => s.traceId === server.traceId);
        if (spans.length >= expected) return { server, spans };
      }
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    const got = this.spans.map((s) => `${s.name} (${s.traceId})`).join(', ');
    throw new Error(`no trace of ${requestId} with ${expected} spans; got ${got}`);
  }

  close(): Promise<void> {
    this.#server.closeAllConnections();
    return new Promise((resolve) => this.#server.close(() => resolve()));
  }
}

const UPSTREAM_KEY = 'upstream-key-traced-0123456789';
const PROMPT = 'the secret plan is tangerine-42';

let upstream: MockUpstream;
let collector: Collector;
let gateway: RunningGateway;
/** Tracing from the config file (`telemetry.otlp`), with `captureContent`. */
let capturing: RunningGateway;
/** Where the import probe lists the modules each gateway loaded (`traced`: `gateway`'s). */
let probe: string;
const PROBE = new URL('./support/import-probe.mjs', import.meta.url).pathname;
/** The environment that runs a gateway under the import probe. */
const probed = (name: string) => ({
  NODE_OPTIONS: `--import ${PROBE}`,
  IMPORT_PROBE_FILE: `${probe}/${name}`,
});
/** Both gateways' providers and models (upstreams: the mock). */
let config: Record<string, unknown>;

beforeAll(async () => {
  [upstream, collector] = await Promise.all([new MockUpstream().start(), new Collector().start()]);
  upstream.behave('down', 'unavailable');
  const provider = (name: string) => ({
    type: 'openai-compatible',
    baseURL: upstream.baseURL(name),
    apiKey: UPSTREAM_KEY,
    models: ['m'],
  });
  config = {
    providers: { good: provider('good'), down: provider('down') },
    models: {
      plain: { deployments: ['good/m'] },
      fallback: { deployments: ['down/m', 'good/m'] },
    },
    routing: { retries: 0 },
  };
  probe = tempDir('switchyard-probe-');
  [gateway, capturing] = await Promise.all([
    startGateway({
      env: { OTEL_EXPORTER_OTLP_ENDPOINT: collector.url, OTEL_BSP_SCHEDULE_DELAY: '20', ...probed('traced') },
      config,
    }),
    startGateway({
      env: { OTEL_BSP_SCHEDULE_DELAY: '20' },
      config: { ...config, telemetry: { otlp: { endpoint: collector.url }, captureContent: true } },
    }),
  ]);
});

afterAll(async () => {
  await Promise.all([gateway?.stop(), capturing?.stop()]);
  await Promise.all([upstream?.close(), collector?.close()]);
  for (const running of [gateway, capturing]) if (running) removeDir(running.dataDir);
  if (probe) removeDir(probe);
});

async function ask(
  model: string,
  options: { stream?: boolean; traceparent?: string; via?: RunningGateway } = {},
) {
  const response = await (options.via ?? gateway).fetch('/v1/chat/completions', {
    method: 'POST',
    headers: options.traceparent ? { traceparent: options.traceparent } : {},
    body: JSON.stringify({
      model,
      stream: options.stream === true,
      max_tokens: 20,
      messages: [{ role: 'user', content: PROMPT }],
    }),
  });
  await response.text();
  expect(response.status).toBe(200);
  return response.headers.get('x-request-id')!;
}

/** The parent of `span` is `parent`, in the same trace. */
function expectChild(span: Exported, parent: Exported): void {
  expect(span.traceId).toBe(parent.traceId);
  expect(span.parentSpanId).toBe(parent.spanId);
}

/** The `traceparent` the upstream received: ours, naming a span of the request's trace. */
function expectUpstreamCarries(spans: Exported[], traceId: string): void {
  const header = upstream.lastTraceparent('good');
  const match = /^00-([0-9a-f]{32})-([0-9a-f]{16})-01$/.exec(header ?? '');
  expect(match, `traceparent ${header}`).not.toBeNull();
  expect(match![1]).toBe(traceId);
  expect(spans.map((s) => s.spanId)).toContain(match![2]);
}

describe('OpenTelemetry traces (OTLP/HTTP to a local collector; upstreams are a mock)', () => {
  it('exports a server span and an attempt span for a plain call; the upstream carries our traceparent', async () => {
    const requestId = await ask('plain');
    // server span, attempt span, and undici's span of the upstream HTTP call
    const { server, spans } = await collector.traceOf(requestId, 3);
    expect(server.kind).toBe(SPAN_KIND_SERVER);
    expect(server.name).toBe('chat plain');
    expect(server.parentSpanId ?? '').toBe('');
    expect(server.attrs).toMatchObject({
      'gen_ai.operation.name': 'chat',
      'gen_ai.request.model': 'plain',
      'gen_ai.response.model': 'm',
      'gen_ai.provider.name': 'good',
      'gen_ai.usage.input_tokens': 5,
      'gen_ai.usage.output_tokens': 3,
      'gen_ai.response.finish_reasons': ['stop'],
      'gen_ai.request.max_tokens': 20,
      'http.response.status_code': 200,
      'switchyard.request.id': requestId,
      'switchyard.deployment.id': 'good/m',
    });
    expect(server.attrs['switchyard.key.id']).toMatch(/\S/);
    const attempts = spans.filter((s) => s.kind === SPAN_KIND_CLIENT && s.attrs['switchyard.deployment.id']);
    expect(attempts).toHaveLength(1);
    expectChild(attempts[0]!, server);
    expect(attempts[0]!.attrs).toMatchObject({ 'gen_ai.provider.name': 'good', 'gen_ai.request.model': 'm' });
    expect(attempts[0]!.status?.code).not.toBe(STATUS_ERROR);
    const http = spans.find((s) => s.parentSpanId === attempts[0]!.spanId);
    expect(http?.attrs['http.response.status_code']).toBe(200);
    expectUpstreamCarries(spans, server.traceId);
  });

  it('marks the first token of a stream with an event', async () => {
    const requestId = await ask('plain', { stream: true });
    const { server } = await collector.traceOf(requestId, 3);
    expect(server.events?.map((e) => e.name)).toContain('gen_ai.first_token');
    expect(server.attrs['gen_ai.server.time_to_first_token']).toBeGreaterThan(0);
    expect(server.attrs).toMatchObject({
      'gen_ai.response.finish_reasons': ['stop'],
      'gen_ai.usage.output_tokens': 3,
    });
  });

  it('shows a fallback as two attempt spans, the first failed with its reason', async () => {
    const requestId = await ask('fallback');
    const { server, spans } = await collector.traceOf(requestId, 5);
    const attempts = spans.filter((s) => s.kind === SPAN_KIND_CLIENT && s.attrs['switchyard.deployment.id']);
    expect(attempts.map((s) => s.attrs['switchyard.deployment.id'])).toEqual(['down/m', 'good/m']);
    for (const attempt of attempts) expectChild(attempt, server);
    const [failed, answered] = attempts as [Exported, Exported];
    expect(failed.status?.code).toBe(STATUS_ERROR);
    expect(failed.attrs).toMatchObject({
      'http.response.status_code': 503,
      'error.type': 'server_error',
      'switchyard.attempt.outcome': 'retry',
    });
    expect(answered.status?.code).not.toBe(STATUS_ERROR);
    expect(server.attrs['switchyard.deployment.id']).toBe('good/m');
  });

  it("continues the caller's trace from its traceparent", async () => {
    const traceId = '4bf92f3577b34da6a3ce929d0e0e4736';
    const parentId = '00f067aa0ba902b7';
    const requestId = await ask('plain', { traceparent: `00-${traceId}-${parentId}-01` });
    const { server, spans } = await collector.traceOf(requestId, 3);
    expect(server.traceId).toBe(traceId);
    expect(server.parentSpanId).toBe(parentId);
    expectUpstreamCarries(spans, traceId);
  });

  it('traces a refused request with its status, without the key it was refused for', async () => {
    const wrongKey = 'sk-sy-not-a-key-0123456789abcdef';
    const response = await gateway.fetch('/v1/chat/completions', {
      key: wrongKey,
      method: 'POST',
      body: JSON.stringify({ model: 'plain', messages: [{ role: 'user', content: PROMPT }] }),
    });
    expect(response.status).toBe(401);
    const { server } = await collector.traceOf(response.headers.get('x-request-id')!, 1);
    expect(server.attrs['http.response.status_code']).toBe(401);
    expect(server.attrs['switchyard.key.id']).toBeUndefined();
    expect(collector.raw.join('\n')).not.toContain(wrongKey);
  });

  it('exports neither keys nor prompt and answer text', async () => {
    await collector.traceOf(await ask('plain'), 3);
    const exported = collector.raw.join('\n');
    expect(exported.length).toBeGreaterThan(0);
    expect(exported).not.toContain(gateway.adminKey);
    expect(exported).not.toContain(UPSTREAM_KEY);
    expect(exported).not.toContain('tangerine');
    expect(exported).not.toContain('answer from good');
    expect(exported).not.toContain('gen_ai.input.messages');
  });

  it('never loads the OpenTelemetry SDK when tracing is off', { timeout: 60_000 }, async () => {
    const untraced = await startGateway({ env: probed('untraced'), config });
    try {
      for (const stream of [false, true]) await ask('fallback', { stream, via: untraced });
    } finally {
      await untraced.stop();
      removeDir(untraced.dataDir);
    }
    const sdk = (file: string) =>
      readFileSync(`${probe}/${file}`, 'utf8')
        .split('\n')
        .filter((url) => url.includes('/@opentelemetry/') || url.includes('/telemetry/otel-tracer.'));
    expect(sdk('untraced')).toEqual([]);
    // The probe does see it where tracing is on.
    expect(sdk('traced')).toContainEqual(expect.stringContaining('/@opentelemetry/sdk-trace-node/'));
  });

  it('exports prompt and answer text only with telemetry.captureContent, keys never', async () => {
    const requestId = await ask('plain', { stream: true, via: capturing });
    const { server } = await collector.traceOf(requestId, 3);
    expect(JSON.parse(String(server.attrs['gen_ai.input.messages']))).toEqual([
      { role: 'user', content: PROMPT },
    ]);
    expect(JSON.parse(String(server.attrs['gen_ai.output.messages']))).toEqual([
      { role: 'assistant', content: 'answer from good' },
    ]);
    const exported = collector.raw.join('\n');
    expect(exported).not.toContain(capturing.adminKey);
    expect(exported).not.toContain(UPSTREAM_KEY);
  });
});
