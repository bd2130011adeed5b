import {
  type AdapterContext,
  type ChatAdapter,
  type ListModelsContext,
  type ReadyItems,
  takeReady,
} from '@switchyard/adapter-kit';
import type { ChatCompletion, ChatCompletionChunk, ChatCompletionRequest, Model } from '@switchyard/protocol';
import type { FullAdapter } from '../routing/router.js';
import type { RequestSpan, RequestTracer } from '../telemetry/request-tracer.js';
import type { GatewayHooks } from './gateway-hooks.js';

/** A stream that shows each chunk to the request's span; `return()` goes straight to the inner one. */
class TracedStream implements AsyncIterableIterator<ChatCompletionChunk>, ReadyItems<ChatCompletionChunk> {
  readonly #inner: AsyncIterator<ChatCompletionChunk>;
  readonly #span: RequestSpan;

  constructor(inner: AsyncIterator<ChatCompletionChunk>, span: RequestSpan) {
    this.#inner = inner;
    this.#span = span;
  }

  async next(): Promise<IteratorResult<ChatCompletionChunk>> {
    const result = await this.#inner.next();
    if (!result.done) this.#span.chunk(result.value);
    return result;
  }

  takeReady(): IteratorYieldResult<ChatCompletionChunk> | undefined {
    const result = takeReady(this.#inner);
    if (result) this.#span.chunk(result.value);
    return result;
  }

  return(): Promise<IteratorResult<ChatCompletionChunk>> {
    return this.#inner.return?.() ?? Promise.resolve({ done: true, value: undefined });
  }

  [Symbol.asyncIterator](): this {
    return this;
  }
}

/** Shows the answers of a request's adapter (the router, or the cache in front of it) to the request's span. */
class TracingAdapter implements ChatAdapter {
  readonly specificationVersion = 'v1';
  readonly provider: string;
  readonly capabilities: ChatAdapter['capabilities'];
  readonly #inner: FullAdapter;
  readonly #span: RequestSpan;

  constructor(inner: FullAdapter, span: RequestSpan) {
    this.#inner = inner;
    this.#span = span;
    this.provider = inner.provider;
    this.capabilities = inner.capabilities;
  }

  listModels(context: ListModelsContext): Promise<Model[]> {
    return this.#inner.listModels(context);
  }

  async complete(request: ChatCompletionRequest, context: AdapterContext): Promise<ChatCompletion> {
    const completion = await this.#inner.complete(request, context);
    this.#span.answered(completion);
    return completion;
  }

  stream(request: ChatCompletionRequest, context: AdapterContext): AsyncIterable<ChatCompletionChunk> {
    return new TracedStream(this.#inner.stream(request, context)[Symbol.asyncIterator](), this.#span);
  }
}

/**
 * The gateway's hooks with a server span per chat request: started before authentication (a
 * refused request is traced too, with the caller's `traceparent` as its parent), fed the answer by
 * a wrapper around the gateway's adapter, ended with the request's outcome. Attempt spans come from
 * the router (`traceAttempt`). Only used when tracing is on.
 */
export function withTracing<H extends GatewayHooks>(hooks: H, tracer: RequestTracer): H {
  const { authenticate, beforeCompletion, onFinish } = hooks;
  return {
    ...hooks,

    authenticate(context) {
      // Completions only, through any door (not the models routes or a door's other routes).
      if (context.door !== undefined && context.route === context.door.name)
        context.locals.span = tracer.start(context);
      return authenticate(context);
    },

    async beforeCompletion(context) {
      const adapter = await beforeCompletion(context);
      const { span } = context.locals;
      return span ? new TracingAdapter(adapter, span) : adapter;
    },

    onFinish(event) {
      const { locals } = event.context;
      locals.span?.finish(event, {
        keyId: locals.principal?.keyId,
        deployment: locals.trace.deployment,
        cached: locals.cached === true,
      });
      return onFinish(event);
    },
  };
}
