import { abortable } from '@switchyard/adapter-kit';
import type { Model } from '@switchyard/protocol';

/** The default time a discovered model list is reused (5 minutes). */
export const DEFAULT_MODELS_TTL = 300_000;

/**
 * A model list loaded from the upstream at most once per `ttl`: concurrent callers share one
 * request, failures are not cached, and a caller whose signal fires stops waiting without
 * cancelling the load the others wait for.
 */
export class CachedModelList {
  readonly #load: () => Promise<Model[]>;
  readonly #ttl: number;
  #cached: { models: Model[]; expires: number } | undefined;
  #inflight: Promise<Model[]> | undefined;

  constructor(load: () => Promise<Model[]>, ttl: number) {
    this.#load = load;
    this.#ttl = ttl;
  }

  list(signal: AbortSignal): Promise<Model[]> {
    if (this.#cached && this.#cached.expires > Date.now()) return Promise.resolve(this.#cached.models);
    this.#inflight ??= this.#load().then(
      (models) => {
        this.#cached = { models, expires: Date.now() + this.#ttl };
        this.#inflight = undefined;
        return models;
      },
      (error: unknown) => {
        this.#inflight = undefined;
        throw error;
      },
    );
    return abortable(this.#inflight, signal);
  }
}

/** Reads a `GET /models` body (`{data:[…]}`, or a bare array from some local servers). */
export function readModelList(body: unknown, ownedBy: string): Model[] | undefined {
  const data = Array.isArray(body)
    ? body
    : typeof body === 'object' && body !== null && Array.isArray((body as { data?: unknown }).data)
      ? (body as { data: unknown[] }).data
      : undefined;
  if (!data) return undefined;
  const models: Model[] = [];
  for (const entry of data) {
    if (typeof entry !== 'object' || entry === null) continue;
    const raw = entry as Record<string, unknown>;
    const id = typeof raw.id === 'string' ? raw.id : typeof raw.name === 'string' ? raw.name : undefined;
    if (!id) continue;
    models.push({
      ...raw,
      id,
      object: 'model',
      created: typeof raw.created === 'number' ? raw.created : 0,
      owned_by: typeof raw.owned_by === 'string' ? raw.owned_by : ownedBy,
    } as Model);
  }
  return models;
}
