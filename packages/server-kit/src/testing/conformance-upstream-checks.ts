import { type ChatAdapter, METADATA_ONLY_FIELDS } from '@switchyard/adapter-kit';
import {
  answerError,
  cutMidStream,
  serveBody,
  stall,
  startTestUpstream,
  type TestUpstream,
  testAdapterContext,
  testChatRequest,
} from '@switchyard/adapter-kit/testing';
import { type ChatCompletionChunk, ProtocolError, sleep } from '@switchyard/protocol';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WEATHER_TOOL } from './conformance-checks.js';
import { postChat } from './conformance-client.js';
import type { ConformanceUpstream } from './conformance-upstream.js';
import { startTestServer, type TestServer } from './start-test-server.js';

/** The key the kit's upstream is called with; it must never appear in an error. */
export const CONFORMANCE_API_KEY = 'sk-conformance-0123456789abcdef';
/** The `total` timeout of the adapter the timeout check uses. */
const SHORT_TIMEOUT_MS = 1_000;
/** How long the upstream request may stay open after the adapter should have let go of it. */
const ABANDON_CEILING_MS = 2_000;

/**
 * Request fields the kit sends one at a time: each must change what reaches the upstream, or be
 * rejected with a 400 naming it. Values are unusual so that no adapter default hides them.
 */
const PROBES: readonly Record<string, unknown>[] = [
  { temperature: 0.35 },
  { top_p: 0.35 },
  { max_tokens: 17 },
  { stop: ['zq-stop'] },
  { seed: 7 },
  { presence_penalty: 0.35 },
  { frequency_penalty: 0.35 },
  { logit_bias: { '50256': -100 } },
  { logprobs: true },
  { n: 2 },
  { response_format: { type: 'json_object' } },
  { reasoning_effort: 'low' },
  { tools: [WEATHER_TOOL] },
  { verbosity: 'low' },
  { prediction: { type: 'content', content: 'zq-predicted' } },
  { web_search_options: {} },
];

/** The kit's upstream, the adapter built against it, and a server serving that adapter. */
export interface UpstreamCheckContext {
  readonly options: ConformanceUpstream;
  readonly upstream: TestUpstream;
  /** Built with a long timeout: the abort checks must not be rescued by it. */
  readonly adapter: ChatAdapter;
  /** Built with a {@link SHORT_TIMEOUT_MS} total timeout. */
  readonly hurried: ChatAdapter;
  readonly server: TestServer;
  close(): Promise<void>;
}

/** Starts the kit's upstream, builds the adapters against it and serves one. */
export async function startUpstreamCheckContext(options: ConformanceUpstream): Promise<UpstreamCheckContext> {
  const upstream = await startTestUpstream();
  const baseURL = `${upstream.origin}${options.basePath ?? ''}`;
  const apiKey = CONFORMANCE_API_KEY;
  const adapter = await options.createAdapter({ baseURL, apiKey, timeout: { total: 600_000 } });
  const hurried = await options.createAdapter({ baseURL, apiKey, timeout: { total: SHORT_TIMEOUT_MS } });
  // The server lists the one model itself: the upstream plays only the calls under test.
  const served: ChatAdapter = {
    specificationVersion: 'v1',
    provider: adapter.provider,
    listModels: async () => [{ id: options.model, object: 'model', created: 0, owned_by: adapter.provider }],
  };
  if (adapter.complete) served.complete = adapter.complete.bind(adapter);
  if (adapter.stream) served.stream = adapter.stream.bind(adapter);
  const server = await startTestServer({ adapters: [served] });
  return {
    options,
    upstream,
    adapter,
    hurried,
    server,
    async close() {
      await server.close();
      await upstream.close();
    },
  };
}

/** An error, as a failure message shows it. */
function describeError(error: unknown): string {
  if (ProtocolError.isInstance(error)) {
    return `${error.name} ${error.status} ${String(error.code)} (retryable: ${error.isRetryable}, retryAfterMs: ${error.retryAfterMs}, streamStarted: ${error.streamStarted}): ${error.message}`;
  }
  return error instanceof Error ? `${error.name}: ${error.message}` : String(error);
}

/**
 * The error a call fails with, within `withinMs`; fails the check when it succeeds instead (showing
 * the answer), fails with something else than a `ProtocolError`, or is still running.
 */
async function failureOf(call: () => Promise<unknown>, withinMs = 10_000): Promise<ProtocolError> {
  const outcome = await Promise.race([
    call().then(
      (value) => ({ value }),
      (error: unknown) => ({ error }),
    ),
    sleep(withinMs).then(() => ({ late: true })),
  ]);
  if ('late' in outcome) return expect.fail(`the call had neither failed nor answered after ${withinMs} ms`);
  if (!('error' in outcome)) return expect.fail(`expected an error, got ${JSON.stringify(outcome.value)}`);
  expect(
    ProtocolError.isInstance(outcome.error),
    `a ProtocolError, got ${describeError(outcome.error)}`,
  ).toBe(true);
  return outcome.error as ProtocolError;
}

/** Resolves true when the upstream's last request is abandoned within the ceiling. */
function abandonedInTime(upstream: TestUpstream): Promise<boolean> {
  const request = upstream.lastRequest();
  return Promise.race([request.abandoned.then(() => true), sleep(ABANDON_CEILING_MS).then(() => false)]);
}

/** A plain request's answer, through `complete`, or `stream` for a stream-only adapter. */
function answer(context: UpstreamCheckContext, target: ChatAdapter, extra: Record<string, unknown> = {}) {
  const request = testChatRequest({ model: context.options.model, ...extra });
  if (target.complete) return target.complete(request, testAdapterContext());
  return collectStream(context, target, extra);
}

async function collectStream(
  context: UpstreamCheckContext,
  target: ChatAdapter,
  extra: Record<string, unknown> = {},
  chunks: ChatCompletionChunk[] = [],
): Promise<ChatCompletionChunk[]> {
  const request = testChatRequest({ model: context.options.model, ...extra, stream: true });
  const source = target.stream?.(request, testAdapterContext());
  for await (const chunk of source ?? []) chunks.push(chunk);
  return chunks;
}

/** The first bytes of the recorded stream: enough for a chunk or two, not the end. */
const streamStart = ({ options }: UpstreamCheckContext) =>
  options.stream.body.slice(0, Math.floor(options.stream.body.length / 2));

/** One check of the adapter against the kit's misbehaving upstream. */
export interface UpstreamCheck {
  readonly name: string;
  run(context: UpstreamCheckContext): Promise<void>;
}

/** The checks {@link registerUpstreamChecks} registers, in order. */
export const UPSTREAM_CHECKS: readonly UpstreamCheck[] = [
  {
    name: 'sends every probed request field on, or rejects it with a 400 naming it (never drops one silently)',
    async run(context) {
      const { upstream, adapter, options } = context;
      upstream.respond(serveBody(options.completion.body, options.completion.contentType));
      upstream.requests.length = 0;
      await answer(context, adapter);
      const baseline = upstream.lastRequest().body;
      const ignored = new Set([...METADATA_ONLY_FIELDS, ...(options.ignoredFields ?? [])]);
      const dropped: string[] = [];
      for (const probe of PROBES) {
        const field = Object.keys(probe)[0] as string;
        if (ignored.has(field)) continue;
        upstream.requests.length = 0;
        const outcome = await answer(context, adapter, probe).then(
          () => undefined,
          (error: unknown) => error ?? 'undefined',
        );
        if (outcome !== undefined) {
          const rejected =
            ProtocolError.isInstance(outcome) && outcome.status === 400 && outcome.param === field;
          expect(rejected, `${field}: a 400 with param '${field}', got ${describeError(outcome)}`).toBe(true);
          expect(upstream.requests, `${field} was rejected after it reached the upstream`).toHaveLength(0);
        } else if (upstream.lastRequest().body === baseline) {
          dropped.push(field);
        }
      }
      expect(
        dropped,
        'accepted, yet the upstream got the same request as without them: send them on, or reject them (adapter-kit rejectUnknownFields)',
      ).toStrictEqual([]);
    },
  },
  {
    name: `a stalled upstream: a retryable error within the timeout (${SHORT_TIMEOUT_MS} ms), and the upstream request is abandoned`,
    async run(context) {
      const { upstream, hurried, options } = context;
      const within = SHORT_TIMEOUT_MS + ABANDON_CEILING_MS;
      upstream.respond(stall());
      const error = await failureOf(() => answer(context, hurried), within);
      expect(error.isRetryable, describeError(error)).toBe(true);
      expect(await abandonedInTime(upstream), 'the stalled upstream request is closed').toBe(true);
      if (!hurried.stream) return;
      upstream.respond(stall({ contentType: options.stream.contentType, body: streamStart(context) }));
      const streamed = await failureOf(() => collectStream(context, hurried), within);
      expect(streamed.isRetryable || streamed.streamStarted, describeError(streamed)).toBe(true);
      expect(await abandonedInTime(upstream), 'the stalled stream is closed').toBe(true);
    },
  },
  {
    name: 'a client that disconnects: the upstream request is abandoned (its socket closes)',
    async run(context) {
      const { upstream, adapter, server, options } = context;
      const streaming = typeof adapter.stream === 'function';
      upstream.respond(
        streaming ? stall({ contentType: options.stream.contentType, body: streamStart(context) }) : stall(),
      );
      const arrived = upstream.nextRequest();
      const controller = new AbortController();
      const body = { model: options.model, messages: [{ role: 'user', content: 'Hi' }], stream: streaming };
      const pending = postChat(server.url, body, { signal: controller.signal }).catch(() => undefined);
      await arrived;
      if (streaming) expect((await pending)?.status, 'the stream started').toBe(200);
      controller.abort();
      expect(
        await abandonedInTime(upstream),
        `the upstream request is still open ${ABANDON_CEILING_MS} ms after the client left: pass context.signal to the upstream call`,
      ).toBe(true);
    },
  },
  {
    name: 'a stream cut in the middle: an error with streamStarted once chunks were yielded',
    async run(context) {
      const { upstream, adapter, options } = context;
      if (!adapter.stream) return;
      upstream.respond(cutMidStream(options.stream.body, options.stream.contentType));
      const chunks: ChatCompletionChunk[] = [];
      const error = await failureOf(() => collectStream(context, adapter, {}, chunks));
      if (chunks.length > 0) expect(error.streamStarted, describeError(error)).toBe(true);
    },
  },
  {
    name: 'maps error answers: 429 with retry-after is retryable with retryAfterMs, 503 retryable, 400 not',
    async run(context) {
      const { upstream, adapter, options } = context;
      const cases: { status: number; headers: Record<string, string>; retryable: boolean; after?: number }[] =
        [
          { status: 429, headers: { 'retry-after': '7' }, retryable: true, after: 7_000 },
          { status: 503, headers: {}, retryable: true },
          { status: 400, headers: {}, retryable: false },
        ];
      for (const { status, headers, retryable, after } of cases) {
        const body = options.errorBody(`conformance failure ${status}`, status);
        upstream.respond(answerError(status, body, { headers }));
        const error = await failureOf(() => answer(context, adapter));
        const seen = `upstream ${status}: ${describeError(error)}`;
        expect(error.isRetryable, seen).toBe(retryable);
        expect(error.retryAfterMs, seen).toBe(after);
        if (status !== 503) expect(error.status, seen).toBe(status);
      }
    },
  },
  {
    name: 'never repeats its API key in an error, even when the upstream echoes it',
    async run(context) {
      const { upstream, adapter, server, options } = context;
      for (const status of [400, 401, 500]) {
        const body = options.errorBody(`Incorrect API key provided: ${CONFORMANCE_API_KEY}`, status);
        upstream.respond(answerError(status, body, { headers: { 'x-echo-key': CONFORMANCE_API_KEY } }));
        const error = await failureOf(() => answer(context, adapter));
        expect(describeError(error), `upstream ${status}`).not.toContain(CONFORMANCE_API_KEY);
        const res = await postChat(server.url, {
          model: options.model,
          messages: [{ role: 'user', content: 'Hi' }],
        });
        expect(await res.text(), `upstream ${status}, as the client sees it`).not.toContain(
          CONFORMANCE_API_KEY,
        );
      }
    },
  },
];

/**
 * Registers {@link UPSTREAM_CHECKS} against a test upstream the kit runs (see
 * {@link ConformanceUpstream}). Called inside the suite's `describe`.
 */
export function registerUpstreamChecks(options: ConformanceUpstream, timeout: number): void {
  describe('against a misbehaving upstream (played by the kit)', () => {
    let context: UpstreamCheckContext | undefined;
    beforeAll(async () => {
      context = await startUpstreamCheckContext(options);
    }, timeout);
    afterAll(() => context?.close());
    for (const check of UPSTREAM_CHECKS) {
      it(check.name, { timeout }, () => check.run(context as UpstreamCheckContext));
    }
  });
}
