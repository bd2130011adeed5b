import type { ChatCompletion, ChatCompletionRequest } from '@switchyard/protocol';
import type { CacheScope } from '../config/config-schema.js';
import { cacheKey } from './cache-key.js';
import type { CacheStore } from './cache-store.js';

export interface ResponseCacheOptions {
  readonly store: CacheStore;
  readonly ttlSeconds: number;
  /** Answers larger than this (serialised, UTF-8) are not stored. */
  readonly maxEntryBytes: number;
  readonly scope: CacheScope;
  /** Cache only requests with `temperature: 0` or a `seed`; others bypass the cache. */
  readonly onlyDeterministic: boolean;
}

/** A stored answer. */
export interface CachedAnswer {
  readonly completion: ChatCompletion;
  /** Epoch ms when it was stored. */
  readonly storedAt: number;
}

/**
 * Reasons of an answer that ran to its natural end. `content_filter` and provider extras
 * (`sensitive`, `network_error`, `error`…) are not stored: a retry may well answer differently.
 */
const COMPLETE_FINISH_REASONS: ReadonlySet<string> = new Set([
  'stop',
  'length',
  'tool_calls',
  'function_call',
]);

/** Whether every choice of `completion` finished normally (and there is at least one). */
export function isCompleteAnswer(completion: ChatCompletion): boolean {
  const choices = completion.choices;
  if (!Array.isArray(choices) || choices.length === 0) return false;
  for (const choice of choices) {
    if (!COMPLETE_FINISH_REASONS.has(choice.finish_reason as string)) return false;
  }
  return true;
}

function parseEntry(text: string): CachedAnswer | undefined {
  try {
    const entry = JSON.parse(text) as Partial<CachedAnswer> | null;
    if (
      typeof entry?.storedAt !== 'number' ||
      typeof entry.completion !== 'object' ||
      entry.completion === null ||
      !Array.isArray(entry.completion.choices)
    )
      return undefined;
    return entry as CachedAnswer;
  } catch {
    return undefined;
  }
}

/**
 * The response cache: what to key an answer by, which answers to keep, and reading and writing them
 * through a {@link CacheStore} (in-process LRU or Redis). Never throws on the request path.
 */
export class ResponseCache {
  readonly store: CacheStore;
  readonly scope: CacheScope;
  readonly #ttlMs: number;
  readonly #maxEntryBytes: number;
  readonly #onlyDeterministic: boolean;

  constructor(options: ResponseCacheOptions) {
    this.store = options.store;
    this.scope = options.scope;
    this.#ttlMs = options.ttlSeconds * 1000;
    this.#maxEntryBytes = options.maxEntryBytes;
    this.#onlyDeterministic = options.onlyDeterministic;
  }

  /** Whether this request may be cached at all (see `onlyDeterministic`). */
  accepts(request: ChatCompletionRequest): boolean {
    if (!this.#onlyDeterministic) return true;
    return request.temperature === 0 || (request.seed !== null && request.seed !== undefined);
  }

  /** The key of `request` for the caller `keyId` on the route `model` → `deployments`. */
  keyFor(
    request: ChatCompletionRequest,
    keyId: string,
    route: { readonly model: string; readonly deployments: readonly string[] },
  ): string {
    return cacheKey({
      scope: this.scope === 'global' ? '*' : keyId,
      model: route.model,
      deployments: route.deployments,
      request,
    });
  }

  /** The stored answer for `key`, or undefined (absent, expired, unreadable, or backend down). */
  async lookup(key: string): Promise<CachedAnswer | undefined> {
    const text = await this.store.get(key);
    return text === undefined ? undefined : parseEntry(text);
  }

  /**
   * Stores a complete answer (every choice finished normally) of at most `maxEntryBytes`; returns
   * whether it was handed to the store.
   */
  save(key: string, completion: ChatCompletion, now = Date.now()): boolean {
    if (!isCompleteAnswer(completion)) return false;
    const text = JSON.stringify({ storedAt: now, completion } satisfies CachedAnswer);
    if (Buffer.byteLength(text) > this.#maxEntryBytes) return false;
    void this.store.set(key, text, this.#ttlMs);
    return true;
  }

  close(): Promise<void> {
    return this.store.close();
  }
}
