import type { ChatAdapter } from '@switchyard/adapter-kit';
import type { Model } from '@switchyard/protocol';

/** Minimum time between two rebuilds of the model index caused by unknown model ids. */
const REFRESH_AFTER_MS = 5_000;

/**
 * Which adapter serves which model id, from the adapters' `listModels`. Built on first use and
 * rebuilt (at most every 5 s) when a request names a model it does not know, so adapters whose
 * lists change are picked up. The first adapter listing an id wins.
 */
export class ModelAdapterIndex {
  readonly #adapters: readonly ChatAdapter[];
  #index: Promise<Map<string, ChatAdapter>> | undefined;
  #builtAt = 0;

  constructor(adapters: readonly ChatAdapter[]) {
    this.#adapters = adapters;
  }

  async find(model: string): Promise<ChatAdapter | undefined> {
    const found = (await this.#load()).get(model);
    if (found !== undefined || Date.now() - this.#builtAt < REFRESH_AFTER_MS) return found;
    this.#index = undefined;
    return (await this.#load()).get(model);
  }

  #load(): Promise<Map<string, ChatAdapter>> {
    if (this.#index === undefined) {
      this.#builtAt = Date.now();
      const building = this.#build();
      this.#index = building;
      building.catch(() => {
        if (this.#index === building) this.#index = undefined;
      });
    }
    return this.#index;
  }

  async #build(): Promise<Map<string, ChatAdapter>> {
    const signal = new AbortController().signal;
    const lists = await Promise.all(this.#adapters.map((adapter) => adapter.listModels({ signal })));
    const index = new Map<string, ChatAdapter>();
    lists.forEach((models, i) => {
      for (const model of models)
        if (!index.has(model.id)) index.set(model.id, this.#adapters[i] as ChatAdapter);
    });
    return index;
  }
}

/** The models of several adapters, first listing of an id wins. */
export async function listAllModels(
  adapters: readonly ChatAdapter[],
  context: { signal: AbortSignal; requestId: string; locals: Record<string, unknown> },
): Promise<Model[]> {
  const lists = await Promise.all(adapters.map((adapter) => adapter.listModels(context)));
  const seen = new Set<string>();
  const models: Model[] = [];
  for (const list of lists) {
    for (const model of list) {
      if (seen.has(model.id)) continue;
      seen.add(model.id);
      models.push(model);
    }
  }
  return models;
}
