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
  /**
   * Passthrough names (`<provider>/<model>`, neither configured nor listed) that keep their own
   * metrics labels, breaker and `/readyz` entry once an upstream answered them; 100 by default.
   */
  readonly maxPassthroughModels?: number;
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

/** The metrics label (and deployment header) of every name that has not proved real. */
export const OTHER_LABEL = 'other';

/**
 * The public model namespace: models declared in the config (and their aliases), every provider
 * model as `<provider>/<model>`, and bare model ids, which go to the first provider that lists them.
 * Lookups are one map read; the maps are rebuilt when a provider's model list changes.
 *
 * Client-chosen passthrough names are not trusted to be real: they get per-name state (metrics
 * labels, a circuit breaker, a `/readyz` entry) only once {@link prove}d by an upstream answer, and
 * only up to `maxPassthroughModels` of them; {@link modelLabel} and {@link deploymentLabel} map the
 * rest to {@link OTHER_LABEL}.
 */
export class ModelCatalog {
  readonly #options: ModelCatalogOptions;
  readonly #providers: ProviderEntry[];
  readonly #byName = new Map<string, CatalogProvider>();
  readonly #deployments = new Map<string, Deployment>();
  readonly #passthrough = new Map<string, Route>();
  /** Passthrough routes an upstream answered (bounded by `maxPassthroughModels`). */
  readonly #proven = new Map<string, Route>();
  readonly #provenDeployments = new Set<string>();
  /** Deployments of configured and listed models. */
  #knownDeployments = new Set<string>();
  #routes = new Map<string, Route>();
  /** Every public name of each configured or listed route (its name, aliases, bare id). */
  #names = new Map<Route, string[]>();
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
    return this.#routes.get(model) ?? this.#proven.get(model) ?? this.#passthroughRoute(model);
  }

  /**
   * An upstream answered a request routed by `route`: a passthrough name has proved real and keeps
   * its own labels and breaker from now on, while fewer than `maxPassthroughModels` have.
   */
  prove(route: Route): void {
    if (this.#routes.has(route.name) || this.#proven.has(route.name)) return;
    if (this.#proven.size >= (this.#options.maxPassthroughModels ?? 100)) return;
    this.#proven.set(route.name, route);
    for (const deployment of route.deployments) this.#provenDeployments.add(deployment.id);
  }

  /**
   * Every public name that leads to `route`: a configured model's name and aliases, a listed
   * model's bare and qualified ids; a passthrough route's own name. Key scopes compare against these.
   */
  namesOf(route: Route): readonly string[] {
    return this.#names.get(route) ?? [route.name];
  }

  /** Whether a deployment is configured, listed or proved: only those keep per-deployment state. */
  isKnownDeployment(id: string): boolean {
    return this.#knownDeployments.has(id) || this.#provenDeployments.has(id);
  }

  /** A public model name as a metrics label: itself when configured, listed or proved, else `other`. */
  modelLabel(name: string): string {
    return this.#routes.has(name) || this.#proven.has(name) ? name : OTHER_LABEL;
  }

  /** A deployment id as a metrics label (and `x-switchyard-deployment`): itself when known, else `other`. */
  deploymentLabel(id: string): string {
    return this.isKnownDeployment(id) ? id : OTHER_LABEL;
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
    this.#knownDeployments.add(id);
    const effectiveTimeout = timeoutMs ?? provider.timeoutMs;
    if (weight !== 1 || effectiveTimeout !== provider.timeoutMs)
      return newDeployment(provider, model, weight, effectiveTimeout);
    let shared = this.#deployments.get(id);
    // `simulator/echo` first reads as model `echo`, until the listing says `simulator/echo`.
    if (!shared || shared.model !== model) {
      shared = newDeployment(provider, model, 1, provider.timeoutMs);
      this.#deployments.set(id, shared);
    }
    return shared;
  }

  /**
   * The upstream id a configured deployment means: `simulator/echo`, written as `/v1/models` lists
   * it, splits into provider `simulator` and model `echo`, but the simulator lists `simulator/echo`.
   */
  #listedId(provider: string, model: string): string {
    const ids =
      this.#providers.find((entry) => entry.provider.name === provider)?.models.map((m) => m.id) ?? [];
    const qualified = `${provider}/${model}`;
    return !ids.includes(model) && ids.includes(qualified) ? qualified : model;
  }

  /**
   * Configured deployments whose provider's model list is known (declared, or listed) and does not
   * hold their model, with the ids it does serve: for `config check` and start-up to report.
   */
  unservedDeployments(): { model: string; index: number; deployment: string; served: string[] }[] {
    const found: { model: string; index: number; deployment: string; served: string[] }[] = [];
    for (const model of this.#options.models) {
      model.deployments.forEach((d, index) => {
        const entry = this.#providers.find((e) => e.provider.name === d.provider);
        const known = entry && (!entry.provider.discover || entry.refreshedAt !== undefined);
        if (!entry || !known || entry.models.length === 0) return;
        const served = entry.models.map((m) => m.id);
        if (served.includes(this.#listedId(d.provider, d.model))) return;
        found.push({ model: model.name, index, deployment: `${d.provider}/${d.model}`, served });
      });
    }
    return found;
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
    // Not shared, not known: a made-up name leaves nothing behind but this bounded cache entry.
    const deployment = newDeployment(provider, model.slice(slash + 1), 1, provider.timeoutMs);
    const route: Route = { name: model, strategy: 'fallback', deployments: [deployment] };
    if (this.#passthrough.size >= MAX_PASSTHROUGH_ROUTES) this.#passthrough.clear();
    this.#passthrough.set(model, route);
    return route;
  }

  #rebuild(): void {
    this.#knownDeployments = new Set();
    const routes = new Map<string, Route>();
    const listed: Model[] = [];
    for (const model of this.#options.models) {
      const route: Route = {
        name: model.name,
        strategy: model.strategy,
        deployments: model.deployments.map((d) =>
          this.#deployment(
            this.#byName.get(d.provider)!,
            this.#listedId(d.provider, d.model),
            d.weight,
            d.timeoutMs,
          ),
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
    const names = new Map<Route, string[]>();
    for (const [name, route] of routes) {
      const known = names.get(route);
      if (known) known.push(name);
      else names.set(route, [name]);
    }
    this.#routes = routes;
    this.#names = names;
    this.#listed = listed;
    this.#passthrough.clear();
  }
}

function newDeployment(
  provider: CatalogProvider,
  model: string,
  weight: number,
  timeoutMs: number | undefined,
): Deployment {
  return {
    id: deploymentId(provider.name, model),
    provider: provider.name,
    model,
    adapter: provider.adapter,
    weight,
    timeoutMs,
  };
}
