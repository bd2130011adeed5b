import type { Model } from '@switchyard/protocol';
import type { ChatAdapter } from '@switchyard/server-kit';
import type { ResolvedModel } from '../config/resolve-config.js';
import { type Deployment, deploymentId, type Route } from './deployment.js';

/** A provider as the catalog sees it: an adapter plus what the config says about its models. */
export interface CatalogProvider {
  readonly name: string;
  readonly adapter: ChatAdapter;
  /** Declared upstream model ids; `undefined` when they are discovered from the adapter. */
  readonly models: readonly string[] | undefined;
  readonly discover: boolean;
  /** Route `<name>/<any model>` here, listed or not. */
  readonly passthrough: boolean;
  readonly timeoutMs: number | undefined;
}

export interface ProviderStatus {
  readonly provider: string;
  readonly models: number;
  /** Epoch ms of the last successful model listing. */
  readonly refreshedAt: number | undefined;
  /** Why the last listing failed, if it did. */
  readonly error: string | undefined;
}

export interface ModelCatalogOptions {
  /** In bare-name priority order. */
  readonly providers: readonly CatalogProvider[];
  readonly models: readonly ResolvedModel[];
  /** Time allowed for one provider's model listing. */
  readonly discoveryTimeoutMs?: number;
  /** A miss on an unknown model re-lists discovered providers at most this often. */
  readonly missRefreshMs?: number;
  readonly now?: () => number;
  readonly onDiscoveryError?: (provider: string, error: unknown) => void;
}

interface ProviderEntry {
  readonly provider: CatalogProvider;
  models: readonly Model[];
  refreshedAt: number | undefined;
  error: string | undefined;
}

const MAX_PASSTHROUGH_ROUTES = 1_000;

/**
 * The public model namespace: models declared in the config (and their aliases), every provider
 * model as `<provider>/<model>`, and bare model ids, which go to the first provider that lists them.
 * Lookups are one map read; the maps are rebuilt when a provider's model list changes.
 */
export class ModelCatalog {
  readonly #options: ModelCatalogOptions;
  readonly #providers: ProviderEntry[];
  readonly #byName = new Map<string, CatalogProvider>();
  readonly #deployments = new Map<string, Deployment>();
  readonly #passthrough = new Map<string, Route>();
  #routes = new Map<string, Route>();
  #listed: Model[] = [];
  #lastMissRefresh = 0;
  #refreshing: Promise<void> | undefined;

  constructor(options: ModelCatalogOptions) {
    this.#options = options;
    this.#providers = options.providers.map((provider) => ({
      provider,
      models: (provider.models ?? []).map((id) => ({
        id,
        object: 'model',
        created: 0,
        owned_by: provider.name,
      })),
      refreshedAt: undefined,
      error: undefined,
    }));
    for (const { name } of options.providers)
      this.#byName.set(name, options.providers.find((p) => p.name === name)!);
    this.#rebuild();
  }

  /** The route for a public model name, if there is one. */
  resolve(model: string): Route | undefined {
    return this.#routes.get(model) ?? this.#passthroughRoute(model);
  }

  /**
   * {@link resolve}, but on a miss re-lists the discovered providers first (at most once per
   * `missRefreshMs`), so a model pulled into a local server after start is found.
   */
  async resolveFresh(model: string): Promise<Route | undefined> {
    const found = this.resolve(model);
    if (found) return found;
    const now = (this.#options.now ?? Date.now)();
    if (now - this.#lastMissRefresh < (this.#options.missRefreshMs ?? 10_000)) return undefined;
    if (!this.#providers.some((entry) => entry.provider.discover)) return undefined;
    this.#lastMissRefresh = now;
    await this.refresh();
    return this.resolve(model);
  }

  /** `GET /v1/models`: declared models first, then provider models by their shortest unambiguous name. */
  list(): readonly Model[] {
    return this.#listed;
  }

  status(): ProviderStatus[] {
    return this.#providers.map((entry) => ({
      provider: entry.provider.name,
      models: entry.models.length,
      refreshedAt: entry.refreshedAt,
      error: entry.error,
    }));
  }

  /** Re-lists every discovered provider (concurrently, each with a timeout); failures keep the old list. */
  refresh(): Promise<void> {
    this.#refreshing ??= this.#refreshAll().finally(() => {
      this.#refreshing = undefined;
    });
    return this.#refreshing;
  }

  async #refreshAll(): Promise<void> {
    const timeoutMs = this.#options.discoveryTimeoutMs ?? 5_000;
    await Promise.all(
      this.#providers
        .filter((entry) => entry.provider.discover)
        .map(async (entry) => {
          try {
            entry.models = await entry.provider.adapter.listModels({
              signal: AbortSignal.timeout(timeoutMs),
            });
            entry.refreshedAt = (this.#options.now ?? Date.now)();
            entry.error = undefined;
          } catch (error) {
            entry.error = error instanceof Error ? error.message : String(error);
            this.#options.onDiscoveryError?.(entry.provider.name, error);
          }
        }),
    );
    this.#rebuild();
  }

  #deployment(provider: CatalogProvider, model: string, weight = 1, timeoutMs?: number): Deployment {
    const id = deploymentId(provider.name, model);
    const effectiveTimeout = timeoutMs ?? provider.timeoutMs;
    if (weight === 1 && effectiveTimeout === provider.timeoutMs) {
      let shared = this.#deployments.get(id);
      if (!shared) {
        shared = {
          id,
          provider: provider.name,
          model,
          adapter: provider.adapter,
          weight: 1,
          timeoutMs: provider.timeoutMs,
        };
        this.#deployments.set(id, shared);
      }
      return shared;
    }
    return {
      id,
      provider: provider.name,
      model,
      adapter: provider.adapter,
      weight,
      timeoutMs: effectiveTimeout,
    };
  }

  #single(name: string, provider: CatalogProvider, model: string): Route {
    return { name, strategy: 'fallback', deployments: [this.#deployment(provider, model)] };
  }

  #passthroughRoute(model: string): Route | undefined {
    const cached = this.#passthrough.get(model);
    if (cached) return cached;
    const slash = model.indexOf('/');
    if (slash <= 0 || slash === model.length - 1) return undefined;
    const provider = this.#byName.get(model.slice(0, slash));
    if (!provider?.passthrough) return undefined;
    const route = this.#single(model, provider, model.slice(slash + 1));
    if (this.#passthrough.size >= MAX_PASSTHROUGH_ROUTES) this.#passthrough.clear();
    this.#passthrough.set(model, route);
    return route;
  }

  #rebuild(): void {
    const routes = new Map<string, Route>();
    const listed: Model[] = [];
    for (const model of this.#options.models) {
      const route: Route = {
        name: model.name,
        strategy: model.strategy,
        deployments: model.deployments.map((d) =>
          this.#deployment(this.#byName.get(d.provider)!, d.model, d.weight, d.timeoutMs),
        ),
        retries: model.retries,
        timeoutMs: model.timeoutMs,
      };
      routes.set(model.name, route);
      for (const alias of model.aliases) routes.set(alias, route);
      listed.push({ id: model.name, object: 'model', created: 0, owned_by: 'switchyard' });
    }
    const qualified: [string, Route][] = [];
    for (const { provider, models } of this.#providers) {
      for (const model of models) {
        const { id } = model;
        const name = id.startsWith(`${provider.name}/`) ? id : `${provider.name}/${id}`;
        const route = this.#single(name, provider, id);
        qualified.push([name, route]);
        const bare = routes.has(id) ? name : id;
        if (!routes.has(id)) routes.set(id, route);
        listed.push(bare === id ? model : { ...model, id: bare });
      }
    }
    for (const [name, route] of qualified) if (!routes.has(name)) routes.set(name, route);
    this.#routes = routes;
    this.#listed = listed;
    this.#passthrough.clear();
  }
}
