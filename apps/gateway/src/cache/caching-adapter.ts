import type { AdapterContext, ChatAdapter, ListModelsContext } from '@switchyard/adapter-kit';
import {
  type ChatCompletion,
  ChatCompletionAccumulator,
  type ChatCompletionChunk,
  type ChatCompletionRequest,
  completionToChunks,
  type Model,
} from '@switchyard/protocol';
import type { FullAdapter } from '../routing/router.js';
import type { CachedAnswer, ResponseCache } from './response-cache.js';

/** What the cache decided for one request. */
export interface CacheDecision {
  /** Where to store the answer of a miss. */
  readonly key: string;
  readonly hit: CachedAnswer | undefined;
}

/**
 * The chunks of a cached answer, as a stream of it would have sent them. The usage chunk is always
 * there (the server meters it and sends it only with `include_usage`); `usage: null` on the other
 * chunks only when the client asked for usage, as OpenAI does.
 */
export function replayChunks(completion: ChatCompletion, includeUsage: boolean): ChatCompletionChunk[] {
  const chunks = completionToChunks(completion, { includeUsage: true });
  if (!includeUsage) {
    for (const chunk of chunks) if (chunk.usage === null) delete chunk.usage;
  }
  return chunks;
}

/**
 * Wraps the router for one request: answers a hit from the cache (a stream request gets the answer
 * cut into chunks), or stores the complete answer of a miss, streams included (accumulated as they
 * pass through, stored only when the upstream stream ended normally with every choice finished).
 */
export class CachingAdapter implements FullAdapter {
  readonly specificationVersion = 'v1';
  readonly provider: string;
  readonly capabilities: ChatAdapter['capabilities'];
  readonly #inner: FullAdapter;
  readonly #cache: ResponseCache;
  readonly #decision: CacheDecision;

  constructor(inner: FullAdapter, cache: ResponseCache, decision: CacheDecision) {
    this.#inner = inner;
    this.#cache = cache;
    this.#decision = decision;
    this.provider = inner.provider;
    this.capabilities = inner.capabilities;
  }

  listModels(context: ListModelsContext): Promise<Model[]> {
    return this.#inner.listModels(context);
  }

  async complete(request: ChatCompletionRequest, context: AdapterContext): Promise<ChatCompletion> {
    const decision = this.#decision;
    if (decision.hit) return decision.hit.completion;
    const completion = await this.#inner.complete(request, context);
    this.#cache.save(decision.key, completion);
    return completion;
  }

  async *stream(
    request: ChatCompletionRequest,
    context: AdapterContext,
  ): AsyncGenerator<ChatCompletionChunk> {
    const decision = this.#decision;
    if (decision.hit) {
      yield* replayChunks(decision.hit.completion, request.stream_options?.include_usage === true);
      return;
    }
    const upstream = this.#inner.stream(request, context);
    const accumulator = new ChatCompletionAccumulator();
    for await (const chunk of upstream) {
      accumulator.add(chunk);
      yield chunk;
    }
    // Only reached when the upstream stream ended by itself: an error or a client that went away
    // leaves the loop by throwing or by `return()`, and nothing is stored.
    let completion: ChatCompletion;
    try {
      completion = accumulator.complete();
    } catch {
      return;
    }
    this.#cache.save(decision.key, completion);
  }
}
