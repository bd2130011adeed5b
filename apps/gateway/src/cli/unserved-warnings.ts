import type { ChatAdapter } from '@switchyard/server-kit';
import type { ResolvedProvider } from '../config/env-providers.js';
import type { ResolvedConfig } from '../config/index.js';
import { ModelCatalog } from '../routing/model-catalog.js';

const SHOWN_IDS = 8;

/** One line per configured deployment its provider does not serve, with the ids it does serve. */
export function describeUnserved(catalog: ModelCatalog): string[] {
  return catalog.unservedDeployments().map(({ model, index, deployment, served }) => {
    const ids = served.slice(0, SHOWN_IDS).join(', ') + (served.length > SHOWN_IDS ? ', …' : '');
    return `models.${model}.deployments[${index}]: "${deployment}" is not a model its provider serves; it serves: ${ids}`;
  });
}

/**
 * {@link describeUnserved} without network calls, for `config check`: the providers whose model
 * list is known offline (declared in the config, or the simulator's own) are checked.
 */
export async function unservedWarnings(
  config: ResolvedConfig,
  adapters: readonly { provider: ResolvedProvider; adapter: ChatAdapter }[],
): Promise<string[]> {
  const providers = await Promise.all(
    adapters.map(async ({ provider, adapter }) => {
      const offline = provider.type === 'simulator' && provider.models === undefined;
      const listed = offline ? await adapter.listModels({ signal: AbortSignal.timeout(5_000) }) : undefined;
      return {
        name: provider.name,
        adapter,
        models: listed ? listed.map((m) => m.id) : provider.models,
        discover: offline ? false : provider.discover,
        passthrough: provider.passthrough,
        timeoutMs: provider.timeoutMs,
      };
    }),
  );
  return describeUnserved(new ModelCatalog({ providers, models: config.models }));
}
