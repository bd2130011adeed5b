import type { ChatAdapter } from '@switchyard/adapter-kit';
import { METADATA_ONLY_FIELDS } from '@switchyard/adapter-kit';
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
const API_KEY = 'sk-conformance-0123456789abcdef';
/** The `total` timeout of the adapter the timeout checks use. */
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

/** An error, as a failure message shows it. */
function describeError(error: unknown): string {
  if (ProtocolError.isInstance(error)) {
    return `${error.name} ${error.status} ${String(error.code)} (retryable: ${error.isRetryable}, retryAfterMs: ${error.retryAfterMs}, streamStarted: ${error.streamStarted}): ${error.message}`;
  }
  return error instanceof Error ? `${error.name}: ${error.message}` : String(error);
}

/** The error a call fails with; fails the test, showing the answer, when it succeeds instead. */
async function failureOf(call: () => Promise<unknown>): Promise<ProtocolError> {
  const outcome = await call().then(
    (value) => ({ value }),
    (error: unknown) => ({ error }),
  );
  if (!('error' in outcome)) return expect.fail(`expected an error, got ${JSON.stringify(outcome.value)}`);
  expect(
    ProtocolError.isInstance(outcome.error),
    `a ProtocolError, got ${describeError(outcome.error)}`,
  ).toBe(true);
  return outcome.error as ProtocolError;
}

/** Resolves true when the upstream request is abandoned within the ceiling. */
function abandonedInTime(upstream: TestUpstream): Promise<boolean> {
  const request = upstream.lastRequest();
  return Promise.race([request.abandoned.then(() => true), sleep(ABANDON_CEILING_MS).then(() => false)]);
}

/**
 * Registers the checks that need the adapter's upstream to misbehave, against a test upstream the
 * kit runs (see {@link ConformanceUpstream}). Called inside the suite's `describe`.
 */
export function registerUpstreamChecks(upstreamOptions: ConformanceUpstream, timeout: number): void {
  describe('against a misbehaving upstream (played by the kit)', () => {
    let upstream: TestUpstream;
    /** Built with a long timeout: the abort checks must not be rescued by it. */
    let adapter: ChatAdapter;
    let hurried: ChatAdapter;
    let server: TestServer;
    const { model, completion, stream } = upstreamOptions;
    beforeAll(async () => {
      upstream = await startTestUpstream();
      const baseURL = `${upstream.origin}${upstreamOptions.basePath ?? ''}`;
      adapter = await upstreamOptions.createAdapter({
        baseURL,
        apiKey: API_KEY,
        timeout: { total: 600_000 },
      });
      hurried = await upstreamOptions.createAdapter({
        baseURL,
        apiKey: API_KEY,
        timeout: { total: SHORT_TIMEOUT_MS },
      });
      // The server lists the one model itself: the upstream plays only the calls under test.
      const served: ChatAdapter = {
        specificationVersion: 'v1',
        provider: adapter.provider,
        listModels: async () => [{ id: model, object: 'model', created: 0, owned_by: adapter.provider }],
      };
      if (adapter.complete) served.complete = adapter.complete.bind(adapter);
      if (adapter.stream) served.stream = adapter.stream.bind(adapter);
      server = await startTestServer({ adapters: [served] });
    }, timeout);
    afterAll(async () => {
      await server?.close();
      await upstream?.close();
    });
    const complete = (target: ChatAdapter, extra: Record<string, unknown> = {}) => {
      if (!target.complete) return collectStream(target, extra);
      return target.complete(testChatRequest({ model, ...extra }), testAdapterContext());
    };
    const collectStream = async (target: ChatAdapter, extra: Record<string, unknown> = {}) => {
      const chunks: ChatCompletionChunk[] = [];
      const source = target.stream?.(
        testChatRequest({ model, ...extra, stream: true }),
        testAdapterContext(),
      );
      if (!source) return chunks;
      for await (const chunk of source) chunks.push(chunk);
      return chunks;
    };

    it('sends every probed request field on, or rejects it with a 400 naming it (never drops one silently)', {
      timeout,
    }, async () => {
      upstream.respond(serveBody(completion.body, completion.contentType));
      upstream.requests.length = 0;
      await complete(adapter);
      const baseline = upstream.lastRequest().body;
      const ignored = new Set([...METADATA_ONLY_FIELDS, ...(upstreamOptions.ignoredFields ?? [])]);
      const dropped: string[] = [];
      for (const probe of PROBES) {
        const field = Object.keys(probe)[0] as string;
        if (ignored.has(field)) continue;
        upstream.requests.length = 0;
        const outcome = await complete(adapter, probe).then(
          () => undefined,
          (error: unknown) => error,
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
    });

    it(`a stalled upstream: a retryable error within the timeout (${SHORT_TIMEOUT_MS} ms), and the upstream request is abandoned`, {
      timeout,
    }, async () => {
      upstream.respond(stall());
      const started = performance.now();
      const error = await failureOf(() => complete(hurried));
      expect(performance.now() - started, 'ms until the stalled call failed').toBeLessThan(
        SHORT_TIMEOUT_MS + ABANDON_CEILING_MS,
      );
      expect(error.isRetryable, describeError(error)).toBe(true);
      expect(await abandonedInTime(upstream), 'the stalled upstream request is closed').toBe(true);
      if (!hurried.stream) return;
      const firstBytes = stream.body.slice(0, Math.floor(stream.body.length / 2));
      upstream.respond(stall({ contentType: stream.contentType, body: firstBytes }));
      const streamed = await failureOf(() => collectStream(hurried));
      expect(streamed.isRetryable || streamed.streamStarted, describeError(streamed)).toBe(true);
      expect(await abandonedInTime(upstream), 'the stalled stream is closed').toBe(true);
    });

    it('a client that disconnects: the upstream request is abandoned (its socket closes)', {
      timeout,
    }, async () => {
      const streaming = typeof adapter.stream === 'function';
      const firstBytes = stream.body.slice(0, Math.floor(stream.body.length / 2));
      upstream.respond(streaming ? stall({ contentType: stream.contentType, body: firstBytes }) : stall());
      const arrived = upstream.nextRequest();
      const controller = new AbortController();
      const pending = postChat(
        server.url,
        { model, messages: [{ role: 'user', content: 'Hi' }], stream: streaming },
        {
          signal: controller.signal,
        },
      ).catch(() => undefined);
      await arrived;
      if (streaming) {
        const res = await pending;
        expect(res?.status, 'the stream started').toBe(200);
      }
      controller.abort();
      expect(
        await abandonedInTime(upstream),
        `the upstream request is still open ${ABANDON_CEILING_MS} ms after the client left: pass context.signal to the upstream call`,
      ).toBe(true);
    });

    it('a stream cut in the middle: an error with streamStarted once chunks were yielded', {
      timeout,
    }, async () => {
      if (!adapter.stream) return;
      upstream.respond(cutMidStream(stream.body, stream.contentType));
      const chunks: ChatCompletionChunk[] = [];
      const error = await failureOf(async () => {
        for await (const chunk of adapter.stream!(
          testChatRequest({ model, stream: true }),
          testAdapterContext(),
        )) {
          chunks.push(chunk);
        }
      });
      if (chunks.length > 0) expect(error.streamStarted, describeError(error)).toBe(true);
    });

    it('maps error answers: 429 with retry-after is retryable with retryAfterMs, 503 retryable, 400 not', {
      timeout,
    }, async () => {
      const cases: {
        status: number;
        headers: Record<string, string>;
        retryable: boolean;
        retryAfterMs: number | undefined;
      }[] = [
        { status: 429, headers: { 'retry-after': '7' }, retryable: true, retryAfterMs: 7_000 },
        { status: 503, headers: {}, retryable: true, retryAfterMs: undefined },
        { status: 400, headers: {}, retryable: false, retryAfterMs: undefined },
      ];
      for (const answer of cases) {
        const body = upstreamOptions.errorBody(`conformance failure ${answer.status}`, answer.status);
        upstream.respond(answerError(answer.status, body, { headers: answer.headers }));
        const error = await failureOf(() => complete(adapter));
        const seen = describeError(error);
        expect(error.isRetryable, `upstream ${answer.status}: ${seen}`).toBe(answer.retryable);
        expect(error.retryAfterMs, `upstream ${answer.status}: ${seen}`).toBe(answer.retryAfterMs);
        if (answer.status === 429) expect(error.status, seen).toBe(429);
        if (answer.status === 400) expect(error.status, seen).toBe(400);
      }
    });

    it('never repeats its API key in an error, even when the upstream echoes it', { timeout }, async () => {
      for (const status of [400, 401, 500]) {
        const body = upstreamOptions.errorBody(`Incorrect API key provided: ${API_KEY}`, status);
        upstream.respond(answerError(status, body, { headers: { 'x-echo-key': API_KEY } }));
        const error = await failureOf(() => complete(adapter));
        expect(describeError(error), `upstream ${status}`).not.toContain(API_KEY);
        const res = await postChat(server.url, { model, messages: [{ role: 'user', content: 'Hi' }] });
        expect(await res.text(), `upstream ${status}, as the client sees it`).not.toContain(API_KEY);
      }
    });
  });
}
