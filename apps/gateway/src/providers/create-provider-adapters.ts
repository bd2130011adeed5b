import {
  type AdapterPlugin,
  type AdapterPluginSettings,
  AdapterSettingsError,
  type ChatAdapter,
} from '@switchyard/adapter-kit';
import { ConfigError, type ConfigIssue, formatPath } from '../config/config-error.js';
import type { ResolvedProvider } from '../config/env-providers.js';
import type { ResolvedConfig } from '../config/resolve-config.js';
import { BUILTIN_ADAPTER_PLUGINS } from './builtin-adapter-plugins.js';
import { loadAdapterPlugin } from './load-adapter-plugin.js';

/** A configured provider and the adapter built for it. */
export interface ProviderAdapter {
  readonly provider: ResolvedProvider;
  readonly adapter: ChatAdapter;
}

const isIssue = (value: AdapterPlugin | ConfigIssue): value is ConfigIssue => 'path' in value;

/** The plugin a provider names: a `module:`, else a built-in `type`. */
async function pluginFor(provider: ResolvedProvider, configFile: string | undefined) {
  const { module } = provider;
  if (module !== undefined) return loadAdapterPlugin({ ...provider, module }, configFile);
  const builtin = BUILTIN_ADAPTER_PLUGINS.get(provider.type);
  if (builtin) return builtin;
  return {
    path: `providers.${provider.name}.type`,
    message: `unknown adapter type "${provider.type}"`,
    fix: `use one of: ${[...BUILTIN_ADAPTER_PLUGINS.keys()].map((type) => JSON.stringify(type)).join(', ')}; or name the adapter's package or file with module:`,
  } satisfies ConfigIssue;
}

/** `options:` run through the plugin's `settingsSchema` (as written when it has none). */
async function optionsFor(
  provider: ResolvedProvider,
  plugin: AdapterPlugin,
): Promise<{ options: Record<string, unknown> } | { issues: ConfigIssue[] }> {
  const options = { ...provider.options };
  if (!plugin.settingsSchema) return { options };
  const result = await plugin.settingsSchema['~standard'].validate(options);
  if (!result.issues) return { options: result.value };
  return {
    issues: result.issues.map((issue) => ({
      path: formatPath([
        'providers',
        provider.name,
        'options',
        ...(issue.path ?? []).map((key) => (typeof key === 'object' ? key.key : key)),
      ]),
      message: issue.message,
      fix: `see the options of the "${plugin.type}" adapter in its README`,
    })),
  };
}

/** The settings a plugin's `create` gets: the provider's own, with nothing set left out. */
function settingsFor(
  provider: ResolvedProvider,
  options: Record<string, unknown>,
): AdapterPluginSettings<Record<string, unknown>> {
  return {
    name: provider.name,
    discover: provider.discover,
    options,
    ...(provider.baseURL === undefined ? {} : { baseURL: provider.baseURL }),
    ...(provider.apiKey === undefined ? {} : { apiKey: provider.apiKey }),
    ...(provider.headers === undefined ? {} : { headers: { ...provider.headers } }),
    ...(provider.models === undefined ? {} : { models: [...provider.models] }),
    ...(provider.preset === undefined ? {} : { preset: provider.preset }),
  };
}

function createWith(
  provider: ResolvedProvider,
  plugin: AdapterPlugin,
  options: Record<string, unknown>,
): ChatAdapter | ConfigIssue {
  const where =
    provider.module === undefined
      ? `the "${plugin.type}" adapter`
      : `the adapter of module ${JSON.stringify(provider.module)}`;
  try {
    const adapter = plugin.create(settingsFor(provider, options));
    if (adapter?.specificationVersion === 'v1' && typeof adapter.listModels === 'function') return adapter;
    return {
      path: `providers.${provider.name}`,
      message: `${where}: create() returned no v1 ChatAdapter`,
      fix: "return an object with specificationVersion: 'v1', provider, listModels and complete or stream",
    };
  } catch (error) {
    if (error instanceof AdapterSettingsError) {
      return { path: `providers.${provider.name}.${error.setting}`, message: error.message, fix: error.fix };
    }
    return {
      path: `providers.${provider.name}`,
      message: `${where} refused its settings: ${error instanceof Error ? error.message : String(error)}`,
      fix: 'fix the provider settings the message names',
    };
  }
}

/**
 * Builds the adapter of every configured provider through its plugin (built in, or loaded from
 * `module:`), after checking its `options:` against the plugin's schema. No network calls: `config
 * check` runs it too. Throws one {@link ConfigError} listing every provider that failed.
 */
export async function createProviderAdapters(
  config: Pick<ResolvedConfig, 'providers' | 'source'>,
): Promise<ProviderAdapter[]> {
  const issues: ConfigIssue[] = [];
  const built: ProviderAdapter[] = [];
  for (const provider of config.providers) {
    const plugin = await pluginFor(provider, config.source);
    if (isIssue(plugin)) {
      issues.push(plugin);
      continue;
    }
    const checked = await optionsFor(provider, plugin);
    if ('issues' in checked) {
      issues.push(...checked.issues);
      continue;
    }
    const adapter = createWith(provider, plugin, checked.options);
    if ('path' in adapter) issues.push(adapter);
    else built.push({ provider, adapter });
  }
  if (issues.length > 0) throw new ConfigError(issues, config.source);
  return built;
}
