import { type AdapterContext, type ChatAdapter, takeReady } from '@switchyard/adapter-kit';
import { readyStream } from '@switchyard/adapter-kit/testing';
import {
  AbortError,
  AuthenticationError,
  BadRequestError,
  type ChatCompletionChunk,
  type ChatCompletionRequest,
  ProtocolError,
  RateLimitError,
  ServerError,
  upstreamAuthFailedError,
  upstreamInsufficientQuotaError,
} from '@switchyard/protocol';
import { describe, expect, it } from 'vitest';
import { type ScriptedAdapter, type Step, scriptedAdapter } from '../../test/support/scripted-adapter.js';
import type { Strategy } from '../config/config-schema.js';
import { type BreakerState, localBreakers } from './circuit-breaker.js';
import type { Deployment, Route } from './deployment.js';
import { Router, type RouterOptions, type RouteTrace } from './router.js';

const silent = { debug() {}, info() {}, warn() {}, error() {} };
const request = (stream = false): ChatCompletionRequest =>
  ({
    model: 'public',
    messages: [{ role: 'user', content: 'hi' }],
    ...(stream ? { stream: true } : {}),
  }) as ChatCompletionRequest;

/** An adapter context, with the trace the router records the request into. */
function context(signal = new AbortController().signal): AdapterContext & { trace: RouteTrace } {
  return {
    requestId: 'req-1',
    signal,
    deadline: undefined,
    logger: silent,
    locals: {},
    trace: { attempts: [] },
  };
}

const unavailable = (retryAfterMs?: number) =>
  new ServerError({
    message: 'upstream overloaded',
    status: 503,
    code: 'server_error',
    ...(retryAfterMs ? { retryAfterMs } : {}),
  });

function deployment(adapter: ChatAdapter, model = 'up-model', weight = 1, timeoutMs?: number): Deployment {
  return {
    id: `${adapter.provider}/${model}`,
    provider: adapter.provider,
    model,
    adapter,
    weight,
    timeoutMs,
  };
}

function setup(
  adapters: ScriptedAdapter[],
  options: Partial<RouterOptions> & { strategy?: Strategy; weights?: number[] } = {},
) {
  const route: Route = {
    name: 'public',
    strategy: options.strategy ?? 'fallback',
    deployments: adapters.map((a, i) => deployment(a, `${a.provider}-up`, options.weights?.[i] ?? 1)),
  };
  const errors: string[] = [];
  const breakers: [string, BreakerState][] = [];
  const routes = new Router({
    retries: 0,
    backoff: { initialMs: 1, maxMs: 5 },
    maxRetryAfterMs: 1_000,
    timeoutMs: 5_000,
    streamIdleTimeoutMs: 5_000,
    breaker: { failureThreshold: 100, cooldownMs: 1_000, maxCooldownMs: 10_000 },
    onAttemptError: ({ deployment, error }) => errors.push(`${deployment.id}:${error.code}`),
    onBreakerChange: (d, state) => breakers.push([d.id, state]),
    ...options,
  });
  // Each call serves `route` (the gateway resolves it from the model name), recording into the context's trace.
  const router = {
    complete: (r: ChatCompletionRequest, ctx: ReturnType<typeof context>) =>
      routes.complete(r, ctx, { route, trace: ctx.trace }),
    stream: (r: ChatCompletionRequest, ctx: ReturnType<typeof context>) =>
      routes.stream(r, ctx, { route, trace: ctx.trace }),
    deploymentStates: () => routes.deploymentStates(),
  };
  return { router, route, errors, breakers };
}

async function collect(iterable: AsyncIterable<ChatCompletionChunk>): Promise<string> {
  let text = '';
  for await (const chunk of iterable) text += chunk.choices[0]?.delta.content ?? '';
  return text;
}

async function failure(promise: Promise<unknown>): Promise<ProtocolError> {
  try {
    await promise;
  } catch (error) {
    if (ProtocolError.isInstance(error)) return error;
    throw error;
  }
  throw new Error('expected a failure');
}

const answer = (text: string): Step => ({ kind: 'answer', text });
const fail = (error: ProtocolError): Step => ({ kind: 'fail', error });

describe('Router: complete', () => {
  it('falls back to the next deployment when the first fails with a retryable error, and records both', async () => {
    const a = scriptedAdapter('a', [fail(unavailable())]);
    const b = scriptedAdapter('b', [answer('from b')]);
    const { router, errors } = setup([a, b]);
    const ctx = context();
    const completion = await router.complete(request(), ctx);
    expect(completion.choices[0]?.message.content).toBe('from b');
    expect(b.calls.map((c) => c.model)).toEqual(['b-up']);
    const trace = ctx.trace;
    expect(trace.deployment?.id).toBe('b/b-up');
    expect(trace.attempts.map((t) => [t.deployment, t.error])).toEqual([
      ['a/a-up', 'server_error'],
      ['b/b-up', undefined],
    ]);
    expect(errors).toEqual(['a/a-up:server_error']);
  });

  it('returns a request error (400) at once, without trying other deployments', async () => {
    const a = scriptedAdapter('a', [
      fail(new BadRequestError({ message: 'context too long', code: 'context_length_exceeded' })),
    ]);
    const b = scriptedAdapter('b', [answer('never')]);
    const { router } = setup([a, b]);
    const error = await failure(router.complete(request(), context()));
    expect(error.code).toBe('context_length_exceeded');
    expect(b.calls).toHaveLength(0);
  });

  it('moves on from a deployment with a bad upstream key but does not retry it', async () => {
    const a = scriptedAdapter('a', [
      fail(new AuthenticationError({ message: 'bad key', code: 'invalid_api_key' })),
    ]);
    const { router } = setup([a], { retries: 3 });
    const error = await failure(router.complete(request(), context()));
    expect(error.status).toBe(401);
    expect(a.calls).toHaveLength(1);
  });

  it.each([
    ['a refused provider key', upstreamAuthFailedError],
    ['an empty provider balance', upstreamInsufficientQuotaError],
  ])(
    '%s (a 502 from the adapter): never retried on the same deployment, falls back to another',
    async (_name, make) => {
      const refused = make({ provider: 'a', status: 401 });
      const lone = scriptedAdapter('a', [fail(refused)]);
      const alone = setup([lone], { retries: 3 });
      const error = await failure(alone.router.complete(request(), context()));
      expect([error.status, error.code]).toEqual([502, refused.code]);
      expect(lone.calls).toHaveLength(1);

      const a = scriptedAdapter('a', [fail(refused)]);
      const b = scriptedAdapter('b', [answer('from b')]);
      const { router, errors } = setup([a, b], { retries: 3 });
      const completion = await router.complete(request(), context());
      expect(completion.choices[0]?.message.content).toBe('from b');
      expect(a.calls).toHaveLength(1);
      expect(errors).toEqual([`a/a-up:${refused.code}`]);
    },
  );

  it('retries a lone deployment with backoff until it answers', async () => {
    const a = scriptedAdapter('a', [fail(unavailable()), fail(unavailable()), answer('third time')]);
    const { router } = setup([a], { retries: 2 });
    const completion = await router.complete(request(), context());
    expect(completion.choices[0]?.message.content).toBe('third time');
    expect(a.calls).toHaveLength(3);
  });

  it('stops after the configured retries and returns the last error', async () => {
    const a = scriptedAdapter('a', [fail(unavailable())]);
    const { router } = setup([a], { retries: 1 });
    const error = await failure(router.complete(request(), context()));
    expect(error.status).toBe(503);
    expect(a.calls).toHaveLength(2);
  });

  it('does not wait for a retry-after longer than maxRetryAfterMs, and passes it on', async () => {
    const a = scriptedAdapter('a', [
      fail(new RateLimitError({ message: 'slow down', code: 'rate_limit_exceeded', retryAfterMs: 60_000 })),
    ]);
    const { router } = setup([a], { retries: 2, maxRetryAfterMs: 1_000 });
    const error = await failure(router.complete(request(), context()));
    expect(error.retryAfterMs).toBe(60_000);
    expect(a.calls).toHaveLength(1);
  });

  it('times out a hung deployment (that ignores its signal) and falls back', async () => {
    const a = scriptedAdapter('a', [{ kind: 'hang' }]);
    const b = scriptedAdapter('b', [answer('from b')]);
    const { router, errors } = setup([a, b], { timeoutMs: 50 });
    const completion = await router.complete(request(), context());
    expect(completion.choices[0]?.message.content).toBe('from b');
    expect(errors).toEqual(['a/a-up:timeout']);
    expect(a.calls[0]?.signal.aborted).toBe(true);
  });

  it('stops at once, without fallback or breaker count, when the client aborts', async () => {
    const a = scriptedAdapter('a', [{ kind: 'hang' }]);
    const b = scriptedAdapter('b', [answer('never')]);
    const { router, errors } = setup([a, b]);
    const controller = new AbortController();
    const pending = router.complete(request(), context(controller.signal));
    setTimeout(() => controller.abort(new AbortError({ message: 'client gone', code: 'aborted' })), 10);
    const error = await failure(pending);
    expect(error.code).toBe('aborted');
    expect(b.calls).toHaveLength(0);
    expect(errors).toEqual([]);
  });

  it('answers a non-stream request from a stream-only adapter', async () => {
    const a = scriptedAdapter('a', [answer('streamed words')], ['stream']);
    const { router } = setup([a]);
    const completion = await router.complete(request(), context());
    expect(completion.choices[0]?.message.content).toBe('streamed words');
    expect(completion.usage?.completion_tokens).toBe(2);
  });
});

describe('Router: stream', () => {
  it('falls back before the first chunk', async () => {
    const a = scriptedAdapter('a', [fail(unavailable())]);
    const b = scriptedAdapter('b', [answer('hello from b')]);
    const { router } = setup([a, b]);
    const ctx = context();
    expect(await collect(router.stream(request(true), ctx))).toBe('hello from b');
    expect(ctx.trace.deployment?.id).toBe('b/b-up');
  });

  it('fails a stream that broke after its first chunk with a stream error, never splicing another deployment', async () => {
    const a = scriptedAdapter('a', [{ kind: 'break', text: 'partial answer', error: unavailable() }]);
    const b = scriptedAdapter('b', [answer('never')]);
    const { router, errors } = setup([a, b], { retries: 2 });
    let text = '';
    const error = await failure(
      (async () => {
        for await (const chunk of router.stream(request(true), context()))
          text += chunk.choices[0]?.delta.content ?? '';
      })(),
    );
    expect(text).toBe('partial answer');
    expect(error.streamStarted).toBe(true);
    expect(error.status).toBe(503);
    expect(b.calls).toHaveLength(0);
    expect(errors).toEqual(['a/a-up:server_error']);
  });

  it('ends a stream that goes silent with a timeout error after the idle limit', async () => {
    const a = scriptedAdapter('a', [{ kind: 'stall', text: 'one two' }]);
    const { router } = setup([a], { streamIdleTimeoutMs: 50 });
    const error = await failure(collect(router.stream(request(true), context())));
    expect([error.code, error.streamStarted]).toEqual(['timeout', true]);
    expect(a.calls[0]?.signal.aborted).toBe(true);
  });

  it('does not count a slow reader against the idle timeout', async () => {
    const a = scriptedAdapter('a', [answer('one two three')]);
    const { router } = setup([a], { streamIdleTimeoutMs: 40 });
    let text = '';
    for await (const chunk of router.stream(request(true), context())) {
      text += chunk.choices[0]?.delta.content ?? '';
      await new Promise((resolve) => setTimeout(resolve, 120));
    }
    expect(text).toBe('one two three');
  });

  it('streams from a complete-only adapter', async () => {
    const a = scriptedAdapter('a', [answer('whole answer')], ['complete']);
    const { router } = setup([a]);
    expect(await collect(router.stream(request(true), context()))).toBe('whole answer');
  });

  it('aborts the upstream when the consumer stops reading', async () => {
    const a = scriptedAdapter('a', [answer('a b c d')]);
    const { router } = setup([a]);
    for await (const _ of router.stream(request(true), context())) break;
    expect(a.calls[0]?.signal.aborted).toBe(true);
    expect(router.deploymentStates()).toEqual([{ deployment: 'a/a-up', state: 'closed', inFlight: 0 }]);
  });

  it('stops the upstream at once when the consumer stops while a chunk is awaited, without blaming the deployment', async () => {
    const a = scriptedAdapter('a', [{ kind: 'wait', text: 'one' }]);
    const { router, errors } = setup([a], {
      breaker: { failureThreshold: 1, cooldownMs: 1_000, maxCooldownMs: 10_000 },
    });
    const stream = router.stream(request(true), context())[Symbol.asyncIterator]();
    let text = '';
    while (text !== 'one') text += (await stream.next()).value?.choices[0]?.delta.content ?? '';
    const pending = stream.next(); // the upstream is silent: this one waits
    await stream.return?.();
    // The upstream, stopped, fails the chunk it owed: the stream's error, not the deployment's.
    expect((await failure(pending)).streamStarted).toBe(true);
    expect(a.calls[0]?.signal.aborted).toBe(true);
    expect(errors).toEqual([]);
    expect(router.deploymentStates()).toEqual([{ deployment: 'a/a-up', state: 'closed', inFlight: 0 }]);
    expect(await stream.next()).toEqual({ done: true, value: undefined });
  });

  it('calls no deployment for a stream stopped before its first chunk was asked for', async () => {
    const a = scriptedAdapter('a', [answer('never')]);
    const { router } = setup([a]);
    const stream = router.stream(request(true), context())[Symbol.asyncIterator]();
    await stream.return?.();
    expect(await stream.next()).toEqual({ done: true, value: undefined });
    expect(a.calls).toHaveLength(0);
  });

  it('answers with the error, and nothing more, when every deployment fails before the first chunk', async () => {
    const a = scriptedAdapter('a', [fail(unavailable())]);
    const { router } = setup([a]);
    const stream = router.stream(request(true), context())[Symbol.asyncIterator]();
    const error = await failure(stream.next());
    expect([error.status, error.streamStarted]).toEqual([503, false]);
    expect(await stream.next()).toEqual({ done: true, value: undefined });
    expect(router.deploymentStates()).toEqual([{ deployment: 'a/a-up', state: 'closed', inFlight: 0 }]);
  });
});

describe('Router: chunks at hand', () => {
  /** A stream adapter (a mock upstream) whose whole answer is at hand after its first chunk. */
  function burstAdapter(texts: string[]): ScriptedAdapter & { nextCalls: number } {
    const chunks: ChatCompletionChunk[] = texts.map((content, i) => ({
      id: 'c1',
      object: 'chat.completion.chunk',
      created: 1,
      model: 'up',
      choices: [{ index: 0, delta: { content }, finish_reason: i === texts.length - 1 ? 'stop' : null }],
    }));
    const adapter = {
      specificationVersion: 'v1' as const,
      provider: 'burst',
      nextCalls: 0,
      calls: [],
      listModels: async () => [],
      stream: (): AsyncIterable<ChatCompletionChunk> =>
        readyStream(chunks, () => {
          adapter.nextCalls++;
        }),
    };
    return adapter;
  }

  it('passes the chunks the adapter holds at hand, counted in the stream tally like the others', async () => {
    const adapter = burstAdapter(['one ', 'two ', 'three']);
    const { router } = setup([adapter]);
    const ctx = context();
    const stream = router.stream(request(true), ctx)[Symbol.asyncIterator]();
    expect(takeReady(stream)).toBeUndefined(); // not opened yet
    let text = (await stream.next()).value?.choices[0]?.delta.content ?? '';
    for (let taken = takeReady(stream); taken; taken = takeReady(stream))
      text += taken.value.choices[0]?.delta.content ?? '';
    expect(text).toBe('one two three');
    expect(adapter.nextCalls).toBe(1);
    const tally = ctx.trace.stream?.tally;
    expect([tally?.allFinished, tally?.estimatedOutputTokens]).toEqual([
      true,
      Math.ceil('one two three'.length / 4),
    ]);
    expect(await stream.next()).toEqual({ done: true, value: undefined });
  });

  it('hands out nothing at hand once the client has gone: the abort comes through next()', async () => {
    const adapter = burstAdapter(['one ', 'two ', 'three']);
    const { router } = setup([adapter]);
    const controller = new AbortController();
    const stream = router.stream(request(true), context(controller.signal))[Symbol.asyncIterator]();
    await stream.next();
    controller.abort(new AbortError({ message: 'client gone', code: 'aborted' }));
    expect(takeReady(stream)).toBeUndefined();
    expect((await failure(stream.next())).code).toBe('aborted');
  });
});

describe('Router: circuit breaker', () => {
  it('opens after repeated failures, skips the deployment, then probes and closes after the cooldown', async () => {
    let now = 0;
    const a = scriptedAdapter('a', [fail(unavailable()), fail(unavailable()), answer('recovered')]);
    const b = scriptedAdapter('b', [answer('from b')]);
    const { router, breakers } = setup([a, b], {
      breaker: { failureThreshold: 2, cooldownMs: 1_000, maxCooldownMs: 10_000 },
      now: () => now,
    });
    for (let i = 0; i < 4; i++) await router.complete(request(), context());
    expect(a.calls).toHaveLength(2);
    expect(b.calls).toHaveLength(4);
    now += 1_000;
    const ctx = context();
    const completion = await router.complete(request(), ctx);
    expect(completion.choices[0]?.message.content).toBe('recovered');
    expect(ctx.trace.deployment?.id).toBe('a/a-up');
    expect(breakers).toEqual([
      ['a/a-up', 'open'],
      ['a/a-up', 'half_open'],
      ['a/a-up', 'closed'],
    ]);
  });

  it('keeps no breaker or state for untracked deployments, asks the registry only for tracked ones', async () => {
    const a = scriptedAdapter('a', [fail(unavailable()), answer('then fine')]);
    const registered: string[] = [];
    const answered: string[] = [];
    let tracked = false;
    const { router, breakers } = setup([a], {
      retries: 1,
      breaker: { failureThreshold: 1, cooldownMs: 60_000, maxCooldownMs: 60_000 },
      breakers: {
        breaker: (id, options) => {
          registered.push(id);
          return localBreakers.breaker(id, options);
        },
      },
      isTracked: () => tracked,
      onAnswered: (route, deployment) => answered.push(`${route.name}:${deployment.id}`),
    });
    // The first attempt fails and opens its one-request breaker; the retry gets a fresh one.
    expect((await router.complete(request(), context())).choices[0]?.message.content).toBe('then fine');
    expect([registered, breakers, router.deploymentStates()]).toEqual([[], [], []]);
    expect(answered).toEqual(['public:a/a-up']);
    tracked = true;
    await router.complete(request(), context());
    expect(registered).toEqual(['a/a-up']);
    expect(router.deploymentStates()).toEqual([{ deployment: 'a/a-up', state: 'closed', inFlight: 0 }]);
  });

  it('answers 503 with retry-after when every deployment is open', async () => {
    let now = 0;
    const a = scriptedAdapter('a', [fail(unavailable())]);
    const { router } = setup([a], {
      breaker: { failureThreshold: 1, cooldownMs: 2_000, maxCooldownMs: 10_000 },
      now: () => now,
    });
    await failure(router.complete(request(), context()));
    now += 500;
    const error = await failure(router.complete(request(), context()));
    expect([error.status, error.code, error.retryAfterMs]).toEqual([503, 'upstream_error', 1_500]);
    expect(a.calls).toHaveLength(1);
  });
});

describe('Router: strategies', () => {
  it('weighted: draws deployments in proportion to their weights', async () => {
    const a = scriptedAdapter('a', [answer('a')]);
    const b = scriptedAdapter('b', [answer('b')]);
    let draw = 0;
    const draws = [0.1, 0.5, 0.8, 0.95];
    const { router } = setup([a, b], {
      strategy: 'weighted',
      weights: [1, 3],
      random: () => draws[draw++ % draws.length]!,
    });
    const served: string[] = [];
    for (let i = 0; i < 2; i++)
      served.push((await router.complete(request(), context())).choices[0]?.message.content ?? '');
    // 0.1·4 = 0.4 < 1 → a first; 0.8·4 = 3.2 ≥ 1 → b first.
    expect(served).toEqual(['a', 'b']);
  });

  it('least-in-flight: sends a request to the deployment with fewer open streams', async () => {
    const a = scriptedAdapter('a', [{ kind: 'stall', text: 'busy' }, answer('a')]);
    const b = scriptedAdapter('b', [answer('b')]);
    const { router } = setup([a, b], { strategy: 'least-in-flight' });
    const controller = new AbortController();
    const open = router.stream(request(true), context(controller.signal))[Symbol.asyncIterator]();
    await open.next();
    expect((await router.complete(request(), context())).choices[0]?.message.content).toBe('b');
    controller.abort(new AbortError({ message: 'done', code: 'aborted' }));
    await open.next().catch(() => {});
    expect((await router.complete(request(), context())).choices[0]?.message.content).toBe('a');
  });
});
