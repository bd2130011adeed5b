import {
  type AdapterContext,
  type ChatAdapter,
  chunksOfCompletion,
  completionOfChunks,
  pullerOf,
} from '@switchyard/adapter-kit';
import {
  type ChatCompletion,
  type ChatCompletionChunk,
  type ChatCompletionRequest,
  type EmbeddingRequest,
  type EmbeddingResponse,
  ErrorCode,
  type ProtocolError,
  ServerError,
  sleep,
} from '@switchyard/protocol';
import { Attempt } from './attempt.js';
import { backoffDelay } from './backoff.js';
import { type Breaker, type BreakerRegistry, type BreakerState, localBreakers } from './circuit-breaker.js';
import type { Deployment, Route } from './deployment.js';
import { notAnEmbeddingModel } from './not-an-embedding-model.js';
import { RoutedStream } from './routed-stream.js';
import { orderDeployments } from './strategies.js';

/** What one attempt did, for logs and the `x-switchyard-*` headers. */
export interface AttemptRecord {
  readonly deployment: string;
  readonly ms: number;
  /** The error code when the attempt failed. */
  readonly error?: string;
}

/** What the router records about one request: which deployment answered, when, after which attempts. */
export interface RouteTrace {
  /** The deployment whose answer (or first chunk) went to the client. */
  deployment?: Deployment;
  /** `performance.now()` when the first attempt started. */
  startedAt?: number;
  /** `performance.now()` when the answer or the first chunk arrived. */
  answeredAt?: number;
  /** The stream the router answered with (the gateway asks it for the usage of a cut stream). */
  stream?: RoutedStream;
  readonly attempts: AttemptRecord[];
}

/** One request as the router serves it: its route (resolved once, by the caller) and its trace. */
export interface RoutedRequest {
  readonly route: Route;
  readonly trace: RouteTrace;
  /** A span per attempt, when tracing is on: the adapter runs inside it (see {@link AttemptSpan}). */
  attemptSpan?(deployment: Deployment): AttemptSpan | undefined;
}

/** An adapter that serves both modes. */
export type FullAdapter = ChatAdapter & Required<Pick<ChatAdapter, 'complete' | 'stream'>>;

export interface RouterOptions {
  /** Extra attempts after every deployment was tried once. */
  readonly retries: number;
  readonly backoff: { readonly initialMs: number; readonly maxMs: number };
  /** An upstream `retry-after` longer than this is not waited for. */
  readonly maxRetryAfterMs: number;
  /** Per attempt: until the whole answer, or until the first chunk of a stream. */
  readonly timeoutMs: number;
  /** Longest silence between two chunks once a stream has started. */
  readonly streamIdleTimeoutMs: number;
  readonly breaker: {
    readonly failureThreshold: number;
    readonly cooldownMs: number;
    readonly maxCooldownMs: number;
  };
  /** Where the breakers come from: per process by default, or shared by several gateways. */
  readonly breakers?: BreakerRegistry;
  readonly now?: () => number;
  readonly random?: () => number;
  /** Every failed attempt, also the ones a fallback recovered. */
  onAttemptError?(event: { deployment: Deployment; error: ProtocolError; requestId: string }): void;
  onBreakerChange?(deployment: Deployment, state: BreakerState): void;
  /**
   * Whether a deployment keeps state across requests (a breaker from `breakers`, an in-flight
   * count, an entry in {@link Router.deploymentStates}). The others (client-chosen names not yet
   * proved real) get a fresh local breaker per request, so that made-up names leave nothing
   * behind. Every deployment by default.
   */
  isTracked?(deployment: Deployment): boolean;
  /** A deployment answered (or sent its first chunk) for `route`. */
  onAnswered?(route: Route, deployment: Deployment): void;
}

/** How the router reacts to an attempt's error (a failed attempt's span says which). */
export type Verdict = 'abort' | 'fatal' | 'next' | 'retry';

/**
 * One attempt's span, when tracing is on (see {@link RoutedRequest.attemptSpan}): the adapter runs
 * inside it, so that its upstream call carries the span's `traceparent`. A failed attempt's span
 * ends at once; an answer's when the request ends.
 */
export interface AttemptSpan {
  /** Runs `fn` with this span active: the upstream HTTP calls made inside carry its `traceparent`. */
  run<T>(fn: () => T): T;
  /** Ends the span; with an error, as failed, saying what the router does next. */
  end(failure?: { readonly error: ProtocolError; readonly verdict: Verdict }): void;
}

function verdictOf(error: ProtocolError, attempt: Attempt): Verdict {
  if (attempt.clientAborted) return 'abort';
  if (error.isRetryable) return 'retry';
  // The deployment, not the request, is at fault: its key, its access, its model, its quota.
  // Never retried on the same deployment; another deployment of the route may still answer.
  if (error.code === ErrorCode.upstreamAuthFailed || error.code === ErrorCode.upstreamInsufficientQuota)
    return 'next';
  if (error.status === 401 || error.status === 402 || error.status === 403 || error.status === 404)
    return 'next';
  if (error.status === 429) return 'next';
  return 'fatal';
}

interface DeploymentHealth {
  readonly breaker: Breaker;
  inFlight: number;
}

interface AttemptWon<T> {
  readonly value: T;
  readonly attempt: Attempt;
  readonly health: DeploymentHealth;
}

type Mode = 'complete' | 'stream';
type StreamStart = {
  readonly iterator: AsyncIterator<ChatCompletionChunk>;
  readonly first: IteratorResult<ChatCompletionChunk>;
};

/**
 * Routes a request for a public model to one of its deployments (see {@link Router.adapterFor}):
 * strategy order (fallback, weighted, least-in-flight), a circuit breaker and in-flight count per
 * deployment, per-attempt timeouts, fallback to the next deployment and retries with backoff on
 * errors another attempt can fix — but only until the first chunk: once a stream has started,
 * a failure is the stream's error event, never a spliced answer from another deployment.
 */
export class Router {
  readonly #options: RouterOptions;
  readonly #health = new Map<string, DeploymentHealth>();
  readonly #random: () => number;

  constructor(options: RouterOptions) {
    this.#options = options;
    this.#random = options.random ?? Math.random;
  }

  /** The adapter that serves one request (resolved to its route by the caller), recording into its trace. */
  adapterFor(routed: RoutedRequest): FullAdapter {
    return {
      specificationVersion: 'v1',
      provider: 'switchyard',
      // Serves one request: the gateway's catalog lists the models.
      listModels: () => Promise.resolve([]),
      complete: (request, context) => this.complete(request, context, routed),
      stream: (request, context) => this.stream(request, context, routed),
    };
  }

  /** The breaker state and load of every tracked deployment (see `isTracked`) that has been routed to. */
  deploymentStates(): { deployment: string; state: BreakerState; inFlight: number }[] {
    return [...this.#health].map(([deployment, health]) => ({
      deployment,
      state: health.breaker.state,
      inFlight: health.inFlight,
    }));
  }

  async complete(
    request: ChatCompletionRequest,
    context: AdapterContext,
    routed: RoutedRequest,
  ): Promise<ChatCompletion> {
    const opened = await this.#open(request, context, routed, 'complete', (attempt, upstream) =>
      this.#completeOnce(attempt, upstream),
    );
    opened.attempt.dispose();
    opened.health.inFlight -= 1;
    return opened.value;
  }

  stream(
    request: ChatCompletionRequest,
    context: AdapterContext,
    routed: RoutedRequest,
  ): AsyncIterableIterator<ChatCompletionChunk> {
    const stream = new RoutedStream(async () => {
      const opened = await this.#open(request, context, routed, 'stream', (attempt, upstream) =>
        this.#streamOnce(attempt, upstream),
      );
      const { attempt, health } = opened;
      return {
        attempt,
        iterator: opened.value.iterator,
        first: opened.value.first,
        release: () => {
          health.inFlight -= 1;
        },
        failed: (error) => {
          health.breaker.failure();
          this.#options.onAttemptError?.({
            deployment: attempt.deployment,
            error,
            requestId: context.requestId,
          });
        },
      };
    });
    routed.trace.stream = stream;
    return stream;
  }

  /** Embeddings, routed like a completion: fallback, retries and breakers alike. */
  async embed(
    request: EmbeddingRequest,
    context: AdapterContext,
    routed: RoutedRequest,
  ): Promise<EmbeddingResponse> {
    const opened = await this.#open(request, context, routed, 'complete', (attempt, upstream) => {
      const { adapter } = attempt.deployment;
      if (!adapter.embed) throw notAnEmbeddingModel(request.model, attempt.deployment);
      return attempt.guard(adapter.embed(upstream, attempt.context));
    });
    opened.attempt.dispose();
    opened.health.inFlight -= 1;
    return opened.value;
  }

  async #completeOnce(attempt: Attempt, request: ChatCompletionRequest): Promise<ChatCompletion> {
    const { adapter } = attempt.deployment;
    if (adapter.complete) return attempt.guard(adapter.complete(request, attempt.context));
    if (!adapter.stream) throw this.#noMode(attempt.deployment);
    const iterator = adapter.stream(request, attempt.context)[Symbol.asyncIterator]();
    return completionOfChunks(pullerOf(iterator, (pending) => attempt.guard(pending)));
  }

  async #streamOnce(attempt: Attempt, request: ChatCompletionRequest): Promise<StreamStart> {
    const { adapter } = attempt.deployment;
    let iterator: AsyncIterator<ChatCompletionChunk>;
    if (adapter.stream) {
      iterator = adapter.stream(request, attempt.context)[Symbol.asyncIterator]();
    } else if (adapter.complete) {
      iterator = chunksOfCompletion(await attempt.guard(adapter.complete(request, attempt.context)));
    } else {
      throw this.#noMode(attempt.deployment);
    }
    try {
      return { iterator, first: await attempt.guard(iterator.next()) };
    } catch (error) {
      iterator.return?.()?.catch(() => {});
      throw error;
    }
  }

  #noMode(deployment: Deployment): ServerError {
    return new ServerError({
      message: `Adapter '${deployment.provider}' implements neither complete nor stream.`,
      code: ErrorCode.serverError,
      retryable: false,
    });
  }

  #healthOf(deployment: Deployment): DeploymentHealth {
    const known = this.#health.get(deployment.id);
    if (known) return known;
    const options = this.#options;
    const tracked = options.isTracked?.(deployment) ?? true;
    const registry = tracked ? (options.breakers ?? localBreakers) : localBreakers;
    const health: DeploymentHealth = {
      inFlight: 0,
      breaker: registry.breaker(deployment.id, {
        ...options.breaker,
        ...(options.now ? { now: options.now } : {}),
        onStateChange: (state) => {
          if (tracked) options.onBreakerChange?.(deployment, state);
        },
      }),
    };
    if (tracked) this.#health.set(deployment.id, health);
    return health;
  }

  /**
   * Tries deployments until one answers (or yields its first chunk): each once in strategy order,
   * then up to `retries` more among those whose error was retryable, after a backoff or the
   * upstream's `retry-after`. Open breakers are skipped without using up an attempt.
   */
  async #open<R extends { readonly model: string }, T>(
    request: R,
    context: AdapterContext,
    routed: RoutedRequest,
    mode: Mode,
    run: (attempt: Attempt, upstream: R) => Promise<T>,
  ): Promise<AttemptWon<T>> {
    const { route, trace } = routed;
    const order = orderDeployments(route, {
      inFlight: (deployment) => this.#health.get(deployment.id)?.inFlight ?? 0,
      random: this.#random,
    });
    const options = this.#options;
    let lastError: ProtocolError | undefined;
    const retryable: { deployment: Deployment; retryAfterMs: number | undefined }[] = [];

    const tryOnce = async (deployment: Deployment): Promise<AttemptWon<T> | Verdict | 'skipped'> => {
      const health = this.#healthOf(deployment);
      if (!health.breaker.allow()) return 'skipped';
      const timeoutMs = this.#attemptTimeout(deployment, route, context);
      if (timeoutMs <= 0) return 'abort';
      const attempt = new Attempt(deployment, context, timeoutMs);
      trace.startedAt ??= attempt.startedAt;
      health.inFlight += 1;
      const span = routed.attemptSpan?.(deployment);
      try {
        const upstream = { ...request, model: deployment.model };
        const value = await (span ? span.run(() => run(attempt, upstream)) : run(attempt, upstream));
        if (mode === 'complete') span?.end();
        health.breaker.success();
        options.onAnswered?.(route, deployment);
        trace.deployment = deployment;
        trace.answeredAt = performance.now();
        trace.attempts.push({ deployment: deployment.id, ms: trace.answeredAt - attempt.startedAt });
        if (mode === 'stream')
          attempt.arm(
            options.streamIdleTimeoutMs,
            `${deployment.id} sent nothing for ${options.streamIdleTimeoutMs} ms.`,
          );
        return { value, attempt, health };
      } catch (thrown) {
        const error = attempt.errorOf(thrown);
        health.inFlight -= 1;
        attempt.dispose();
        trace.attempts.push({
          deployment: deployment.id,
          ms: performance.now() - attempt.startedAt,
          error: error.code,
        });
        const verdict = verdictOf(error, attempt);
        span?.end({ error, verdict });
        if (verdict === 'abort') {
          health.breaker.cancel();
          throw error;
        }
        if (verdict === 'fatal') health.breaker.success();
        else health.breaker.failure();
        options.onAttemptError?.({ deployment, error, requestId: context.requestId });
        lastError = error;
        if (verdict === 'fatal') throw error;
        if (verdict === 'retry') retryable.push({ deployment, retryAfterMs: error.retryAfterMs });
        return verdict;
      }
    };

    for (const deployment of order) {
      const outcome = await tryOnce(deployment);
      if (typeof outcome === 'object') return outcome;
    }
    let retriesLeft = route.retries ?? options.retries;
    for (let retryIndex = 0; retriesLeft > 0 && retryable.length > 0; retryIndex++) {
      const next = retryable.shift()!;
      const waitMs =
        next.retryAfterMs ??
        backoffDelay(retryIndex, options.backoff.initialMs, options.backoff.maxMs, this.#random);
      if (waitMs > options.maxRetryAfterMs) continue;
      if (context.deadline !== undefined && Date.now() + waitMs >= context.deadline) break;
      await sleep(waitMs, context.signal);
      const outcome = await tryOnce(next.deployment);
      if (typeof outcome === 'object') return outcome;
      if (outcome !== 'skipped') retriesLeft -= 1;
    }
    throw lastError ?? this.#noneAvailable(route, order, context.requestId);
  }

  #attemptTimeout(deployment: Deployment, route: Route, context: AdapterContext): number {
    const timeoutMs = deployment.timeoutMs ?? route.timeoutMs ?? this.#options.timeoutMs;
    return context.deadline === undefined ? timeoutMs : Math.min(timeoutMs, context.deadline - Date.now());
  }

  #noneAvailable(route: Route, order: readonly Deployment[], requestId: string): ProtocolError {
    const waits = order.map((d) => this.#healthOf(d).breaker.retryAfterMs);
    const retryAfterMs = Math.max(1, Math.min(...waits));
    return new ServerError({
      message: `No deployment of '${route.name}' is available: every circuit breaker is open after repeated upstream failures.`,
      code: ErrorCode.upstreamError,
      status: 503,
      retryable: true,
      retryAfterMs,
      requestId,
    });
  }
}
