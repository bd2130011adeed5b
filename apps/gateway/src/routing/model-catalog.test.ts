import type { Model } from '@switchyard/protocol';
import type { ChatAdapter } from '@switchyard/server-kit';
import { describe, expect, it } from 'vitest';
import { type CatalogProvider, ModelCatalog } from './model-catalog.js';

function provider(
  name: string,
  listed: string[] | (() => Promise<string[]>),
  extra: Partial<CatalogProvider> = {},
) {
  let listings = 0;
  const adapter: ChatAdapter = {
    specificationVersion: 'v1',
    provider: name,
    async listModels(): Promise<Model[]> {
      listings += 1;
      const ids = typeof listed === 'function' ? await listed() : listed;
      return ids.map((id) => ({ id, object: 'model', created: 7, owned_by: `${name}-org` }));
    },
  };
  const entry: CatalogProvider = {
    name,
    adapter,
    models: undefined,
    discover: true,
    passthrough: true,
    timeoutMs: undefined,
    ...extra,
  };
  return { entry, listings: () => listings };
}

const routeOf = (catalog: ModelCatalog, model: string) =>
  catalog.resolve(model)?.deployments.map((d) => `${d.id}${d.weight === 1 ? '' : `×${d.weight}`}`);

describe('ModelCatalog', () => {
  it('routes bare ids to the first provider that lists them, and <provider>/<id> to each provider', async () => {
    const a = provider('token360', ['glm-5.1', 'shared']);
    const b = provider('openai', ['gpt-4o', 'shared']);
    const catalog = new ModelCatalog({ providers: [a.entry, b.entry], models: [] });
    await catalog.refresh();
    expect(routeOf(catalog, 'glm-5.1')).toEqual(['token360/glm-5.1']);
    expect(routeOf(catalog, 'shared')).toEqual(['token360/shared']);
    expect(routeOf(catalog, 'openai/shared')).toEqual(['openai/shared']);
    expect(catalog.list().map((m) => [m.id, m.owned_by])).toEqual([
      ['glm-5.1', 'token360-org'],
      ['shared', 'token360-org'],
      ['gpt-4o', 'openai-org'],
      ['openai/shared', 'openai-org'],
    ]);
  });

  it('serves declared models and their aliases first, with their strategy and weights', () => {
    const sim = provider('simulator', [], { models: ['simulator/echo'], discover: false });
    const catalog = new ModelCatalog({
      providers: [sim.entry],
      models: [
        {
          name: 'smart',
          strategy: 'weighted',
          deployments: [
            { provider: 'simulator', model: 'simulator/echo', weight: 3, timeoutMs: undefined },
            { provider: 'simulator', model: 'simulator/babble', weight: 1, timeoutMs: undefined },
          ],
          aliases: ['clever'],
          retries: 1,
          timeoutMs: undefined,
          description: undefined,
        },
      ],
    });
    expect(routeOf(catalog, 'clever')).toEqual(['simulator/echo×3', 'simulator/babble']);
    expect(catalog.resolve('smart')).toMatchObject({ name: 'smart', strategy: 'weighted', retries: 1 });
    expect(catalog.list().map((m) => m.id)).toEqual(['smart', 'simulator/echo']);
    expect(sim.listings()).toBe(0);
  });

  it('passes <provider>/<unlisted model> through to providers that allow it, and not to others', () => {
    const open = provider('local', [], { models: [], discover: false });
    const closed = provider('strict', [], { models: [], discover: false, passthrough: false });
    const catalog = new ModelCatalog({ providers: [open.entry, closed.entry], models: [] });
    expect(routeOf(catalog, 'local/llama3.2:1b')).toEqual(['local/llama3.2:1b']);
    expect(catalog.resolve('strict/anything')).toBeUndefined();
    expect(catalog.resolve('nobody/anything')).toBeUndefined();
    expect(catalog.resolve('bare-unknown')).toBeUndefined();
  });

  it('gives passthrough names their own labels only once proved, up to maxPassthroughModels', () => {
    const local = provider('local', [], { models: ['listed'], discover: false });
    const catalog = new ModelCatalog({ providers: [local.entry], models: [], maxPassthroughModels: 1 });
    const first = catalog.resolve('local/first')!;
    expect([catalog.modelLabel('local/first'), catalog.deploymentLabel('local/first')]).toEqual([
      'other',
      'other',
    ]);
    expect(catalog.isKnownDeployment('local/first')).toBe(false);
    catalog.prove(first);
    catalog.prove(catalog.resolve('local/second')!);
    expect(catalog.resolve('local/first')).toBe(first);
    expect(
      ['local/first', 'local/second', 'listed', 'local/listed'].map((n) => catalog.modelLabel(n)),
    ).toEqual(['local/first', 'other', 'listed', 'local/listed']);
    expect(catalog.isKnownDeployment('local/first')).toBe(true);
    expect(catalog.isKnownDeployment('local/second')).toBe(false);
    expect(catalog.deploymentLabel('local/listed')).toBe('local/listed');
  });

  it('knows every public name of a route: a model with its aliases, a listed id bare and qualified', () => {
    const local = provider('local', [], { models: ['m'], discover: false });
    const catalog = new ModelCatalog({
      providers: [local.entry],
      models: [
        {
          name: 'smart',
          strategy: 'fallback',
          deployments: [{ provider: 'local', model: 'm', weight: 1, timeoutMs: undefined }],
          aliases: ['gpt-4o', 'default'],
          retries: undefined,
          timeoutMs: undefined,
          description: undefined,
        },
      ],
    });
    const namesOf = (model: string) => catalog.namesOf(catalog.resolve(model)!);
    expect(namesOf('gpt-4o')).toEqual(['smart', 'gpt-4o', 'default']);
    expect(namesOf('m')).toEqual(['m', 'local/m']);
    expect(namesOf('local/other')).toEqual(['local/other']);
  });

  it('re-lists discovered providers on a miss, at most once per interval, and keeps the old list on failure', async () => {
    let now = 0;
    let ids = ['old'];
    let fail = false;
    const local = provider('local', async () => {
      if (fail) throw new Error('connection refused');
      return ids;
    });
    const errors: string[] = [];
    const catalog = new ModelCatalog({
      providers: [local.entry],
      models: [],
      missRefreshMs: 1_000,
      now: () => now,
      onDiscoveryError: (name, error) => errors.push(`${name}: ${(error as Error).message}`),
    });
    await catalog.refresh();
    ids = ['old', 'pulled-later'];
    now = 5_000;
    expect(routeOf(catalog, 'pulled-later')).toBeUndefined();
    expect((await catalog.resolveFresh('pulled-later'))?.deployments[0]?.id).toBe('local/pulled-later');
    expect(await catalog.resolveFresh('still-missing')).toBeUndefined();
    expect(local.listings()).toBe(2);
    fail = true;
    now = 10_000;
    expect(await catalog.resolveFresh('another')).toBeUndefined();
    expect(errors).toEqual(['local: connection refused']);
    expect(routeOf(catalog, 'old')).toEqual(['local/old']);
    expect(catalog.status()).toEqual([
      { provider: 'local', models: 2, refreshedAt: 5_000, error: 'connection refused' },
    ]);
  });
});
