import {
  type ChatAdapter,
  createUpstreamClient,
  readJson,
  rejectUnknownFields,
} from '@switchyard/adapter-kit';
import { CONTENT_TYPES, linesBody } from '@switchyard/adapter-kit/testing';
import {
  type ChatCompletionChunk,
  type ChatCompletionRequest,
  createProtocolError,
  ProtocolError,
  readNDJSON,
} from '@switchyard/protocol';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ConformanceUpstream, ConformanceUpstreamSettings } from './conformance-upstream.js';
import {
  startUpstreamCheckContext,
  UPSTREAM_CHECKS,
  type UpstreamCheckContext,
} from './conformance-upstream-checks.js';

// The kit checked against itself: a small adapter for a made-up provider ("plain": JSON answers,
// NDJSON streams, `{ "message" }` error bodies), once as it should be and once per planted flaw.
// Each new check must pass against the sound adapter and fail, with its own message, against the
// adapter whose flaw it exists to catch.

type Flaw =
  | 'ignores-abort'
  | 'ignores-timeout'
  | 'leaks-key'
  | 'drops-seed'
  | 'no-retry-hints'
  | 'no-stream-started';

const MAPPED = new Set(['model', 'messages', 'temperature', 'max_tokens', 'seed']);
const NEVER = new AbortController().signal;

function plantedAdapter(settings: ConformanceUpstreamSettings, flaw?: Flaw): ChatAdapter {
  const http = createUpstreamClient({
    baseURL: settings.baseURL,
    provider: 'plain',
    timeout: flaw === 'ignores-timeout' ? { total: 600_000 } : settings.timeout,
    toError: ({ status, body, text, retryAfterMs, retryable }) =>
      flaw === 'no-retry-hints'
        ? createProtocolError({ message: `plain failed with ${status}`, status: 502, retryable: false })
        : createProtocolError({
            message:
              flaw === 'leaks-key'
                ? `plain failed (${text}) with key ${settings.apiKey}`
                : String((body as { message?: unknown } | undefined)?.message ?? status),
            status,
            ...(retryAfterMs === undefined ? {} : { retryAfterMs }),
            ...(retryable === undefined ? {} : { retryable }),
          }),
  });
  const send = (request: ChatCompletionRequest, signal: AbortSignal, stream: boolean) => {
    rejectUnknownFields(request, { adapterName: 'plain', mapped: MAPPED });
    const body = {
      model: request.model,
      prompt: request.messages.map((message) => String(message.content)).join('\n'),
      temperature: request.temperature,
      max_tokens: request.max_tokens,
      seed: flaw === 'drops-seed' ? undefined : request.seed,
      stream,
    };
    return http.send({
      path: '/generate',
      method: 'POST',
      headers: { authorization: `Bearer ${settings.apiKey}`, 'content-type': 'application/json' },
      body: JSON.stringify(body),
      signal: flaw === 'ignores-abort' ? NEVER : signal,
    });
  };
  const chunk = (text: string, finish: 'stop' | null): ChatCompletionChunk => ({
    id: 'chatcmpl-plain',
    object: 'chat.completion.chunk',
    created: 0,
    model: 'plain-1',
    choices: [
      { index: 0, delta: { role: 'assistant', content: text }, logprobs: null, finish_reason: finish },
    ],
  });
  return {
    specificationVersion: 'v1',
    provider: 'plain',
    listModels: async () => [{ id: 'plain-1', object: 'model', created: 0, owned_by: 'plain' }],
    async complete(request, context) {
      const answer = (await readJson(await send(request, context.signal, false))) as { text: string };
      return {
        id: 'chatcmpl-plain',
        object: 'chat.completion',
        created: 0,
        model: request.model,
        choices: [
          {
            index: 0,
            message: { role: 'assistant', content: answer.text },
            logprobs: null,
            finish_reason: 'stop',
          },
        ],
      };
    },
    async *stream(request, context) {
      const response = await send(request, context.signal, true);
      let started = false;
      try {
        for await (const line of readNDJSON(response.body(), { source: http.source })) {
          const { text, done } = line as { text?: string; done?: boolean };
          if (done) return yield chunk('', 'stop');
          started = true;
          yield chunk(text ?? '', null);
        }
      } catch (error) {
        const sound = flaw !== 'no-stream-started' && started && ProtocolError.isInstance(error);
        throw sound
          ? error.with({ streamStarted: true })
          : ProtocolError.isInstance(error)
            ? error.with({ streamStarted: false })
            : error;
      }
    },
  };
}

const UPSTREAM: Omit<ConformanceUpstream, 'createAdapter'> = {
  model: 'plain-1',
  completion: { contentType: CONTENT_TYPES.json, body: JSON.stringify({ text: 'Hello there.' }) },
  stream: {
    contentType: CONTENT_TYPES.ndjson,
    body: linesBody([
      { text: 'Hello' },
      { text: ' there' },
      { text: ', friend' },
      { text: '.' },
      { done: true },
    ]),
  },
  errorBody: (message) => JSON.stringify({ message }),
};

/** The check named `name` (its start), run against an adapter with `flaw`. */
async function outcomeOf(name: string, context: UpstreamCheckContext): Promise<string> {
  const check = UPSTREAM_CHECKS.find((candidate) => candidate.name.startsWith(name));
  if (!check) throw new Error(`no check named ${name}`);
  return check.run(context).then(
    () => 'passed',
    (error: unknown) => (error instanceof Error ? error.message : String(error)),
  );
}

describe('the upstream checks, against a sound adapter', () => {
  let context: UpstreamCheckContext;
  beforeAll(async () => {
    context = await startUpstreamCheckContext({
      ...UPSTREAM,
      createAdapter: (settings) => plantedAdapter(settings),
    });
  });
  afterAll(() => context?.close());
  for (const check of UPSTREAM_CHECKS) {
    it(`passes: ${check.name}`, () => check.run(context));
  }
});

const PLANTED: [Flaw, string, RegExp][] = [
  [
    'drops-seed',
    'sends every probed request field on',
    /accepted, yet the upstream got the same request.*\[ 'seed' \]/s,
  ],
  ['ignores-timeout', 'a stalled upstream', /had neither failed nor answered after 3000 ms/],
  [
    'ignores-abort',
    'a client that disconnects',
    /the upstream request is still open 2000 ms after the client left/,
  ],
  ['no-stream-started', 'a stream cut in the middle', /streamStarted: false/],
  ['no-retry-hints', 'maps error answers', /upstream 429: .*retryable: false/],
  ['leaks-key', 'never repeats its API key', /upstream 400: expected .* not to contain 'sk-conformance-/],
];

describe.each(PLANTED)('a planted flaw (%s)', (flaw, check, message) => {
  let context: UpstreamCheckContext;
  beforeAll(async () => {
    context = await startUpstreamCheckContext({
      ...UPSTREAM,
      createAdapter: (settings) => plantedAdapter(settings, flaw),
    });
  });
  afterAll(() => context?.close());
  it(`fails the check '${check}…' and says why`, { timeout: 15_000 }, async () => {
    expect(await outcomeOf(check, context)).toMatch(message);
  });
});
