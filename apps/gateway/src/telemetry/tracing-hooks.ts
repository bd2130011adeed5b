import type { ChatCompletion, ChatCompletionChunk, ChatCompletionRequest, Model } from '@switchyard/protocol';
import type {
  AdapterContext,
  ChatAdapter,
  ChatServerOptions,
  ListModelsContext,
} from '@switchyard/server-kit';
import type { FullAdapter } from '../cache/caching-adapter.js';
import type { GatewayLocals } from '../server/gateway-hooks.js';
import type { RequestSpan, RequestTracer } from './request-tracer.js';

type TracedHooks = Pick<ChatServerOptions, 'authenticate' | 'resolveAdapter' | 'onFinish'>;

const spanOf = (locals: Record<string, unknown>): RequestSpan | undefined => (locals as GatewayLocals).span;

/** A stream that shows each chunk to the request's span; `return()` goes straight to the inner one. */
class TracedStream implements AsyncIterableIterator<ChatCompletionChunk> {
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

  return(): Promise<IteratorResult<ChatCompletionChunk>> {
    return this.#inner.return?.() ?? Promise.resolve({ done: true, value: undefined });
  }

  [Symbol.asyncIterator](): this {
    return this;
  }
}

/** Shows the answers of the gateway's adapter (the router, or the cache in front of it) to the request's span. */
class TracingAdapter implements ChatAdapter {
  readonly specificationVersion = 'v1';
  readonly provider: string;
  readonly capabilities: ChatAdapter['capabilities'];
  readonly #inner: FullAdapter;

  constructor(inner: FullAdapter) {
    this.#inner = inner;
    this.provider = inner.provider;
    this.capabilities = inner.capabilities;
  }

  listModels(context: ListModelsContext): Promise<Model[]> {
    return this.#inner.listModels(context);
  }

  async complete(request: ChatCompletionRequest, context: AdapterContext): Promise<ChatCompletion> {
    const completion = await this.#inner.complete(request, context);
    spanOf(context.locals)?.answered(completion);
    return completion;
  }

  stream(request: ChatCompletionRequest, context: AdapterContext): AsyncIterable<ChatCompletionChunk> {
    const inner = this.#inner.stream(request, context);
    const span = spanOf(context.locals);
    return span ? new TracedStream(inner[Symbol.asyncIterator](), span) : inner;
  }
}

function isFull(adapter: ChatAdapter): adapter is FullAdapter {
  return adapter.complete !== undefined && adapter.stream !== undefined;
}

/**
 * The gateway's hooks with a server span per chat request: started before authentication (a
 * refused request is traced too, with the caller's `traceparent` as its parent), fed the answer by
 * a wrapper around the gateway's adapter, ended with the request's outcome. Attempt spans come from
 * the router (`traceAttempt`). Only used when tracing is on.
 */
export function withTracing<H extends TracedHooks>(hooks: H, tracer: RequestTracer): H {
  const { authenticate, resolveAdapter, onFinish } = hooks;
  const wrapped = new WeakMap<ChatAdapter, TracingAdapter>();
  return {
    ...hooks,

    authenticate(context) {
      if (context.route === 'chat.completions')
        (context.locals as GatewayLocals).span = tracer.start(context);
      return authenticate?.(context);
    },

    async resolveAdapter(model, context) {
      const adapter = await resolveAdapter?.(model, context);
      if (!adapter || !isFull(adapter)) return adapter;
      let traced = wrapped.get(adapter);
      if (!traced) {
        traced = new TracingAdapter(adapter);
        wrapped.set(adapter, traced);
      }
      return traced;
    },

    onFinish(event) {
      const locals = event.context.locals as GatewayLocals;
      locals.span?.finish(event, {
        keyId: locals.principal?.keyId,
        deployment: locals.routing?.deployment,
        cached: locals.cached === true,
      });
      return onFinish?.(event);
    },
  };
}
