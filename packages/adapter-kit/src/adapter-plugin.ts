import type { ChatAdapter } from './chat-adapter.js';
import type { StandardSchemaV1 } from './standard-schema.js';

/** The version of the plugin contract this kit defines; a host refuses any other. */
export const ADAPTER_PLUGIN_VERSION = 'v1';

/**
 * What a host (the gateway) hands a plugin's `create` for one configured provider. The host
 * owns the common settings (name, URL, key, headers, models); `options` are the plugin's own,
 * already validated by its `settingsSchema`.
 */
export interface AdapterPluginSettings<Options> {
  /** The provider's name in the host's config, e.g. `acme-eu`: use it as the adapter's `provider`. */
  readonly name: string;
  readonly baseURL?: string;
  /**
   * The API key as the operator configured it (the gateway interpolates `${ENV_VAR}` when it
   * loads the config, so a rotated key needs a reload there). Absent: read your own variable
   * with `loadApiKey({ defaultApiKeyEnv })` at each call.
   */
  readonly apiKey?: string;
  /** Extra headers to send upstream with every call. */
  readonly headers?: Readonly<Record<string, string>>;
  /** The model ids the operator declared; absent when the host discovers them with `listModels`. */
  readonly models?: readonly string[];
  /**
   * Whether the host asks `listModels` for the upstream's models. The host caches and refreshes
   * the list itself: an adapter that caches too should not, when this is true.
   */
  readonly discover: boolean;
  /** A preset of the adapter (openai-compatible's `openai`, `groq`…), when the config names one. */
  readonly preset?: string;
  /** The plugin's own settings (the config's `options:`), as its `settingsSchema` returned them. */
  readonly options: Options;
}

/**
 * The adapter plugin contract, version `'v1'`: what a module exports (as `adapterPlugin`) so
 * that a host builds its adapter from configuration alone. The gateway's four built-in adapters
 * are plugins too; a third-party one is named by `module:` in the gateway's config.
 */
export interface AdapterPlugin<Options = Record<string, unknown>> {
  readonly pluginVersion: typeof ADAPTER_PLUGIN_VERSION;
  /** The provider type it serves, e.g. `anthropic` or `acme`: the config's `type:`. */
  readonly type: string;
  /**
   * Validates and defaults the config's `options:` before `create` sees them (any Standard Schema:
   * zod 4, valibot…). Without one, `options` is handed over as written.
   */
  readonly settingsSchema?: StandardSchemaV1<unknown, Options>;
  /**
   * Builds the adapter for one configured provider, without network calls (the gateway's
   * `config check` calls it). Refuse bad settings with an {@link AdapterSettingsError}.
   */
  create(settings: AdapterPluginSettings<Options>): ChatAdapter;
}

/**
 * Declares an adapter plugin: export the result as `adapterPlugin` from your package's entry (or
 * the file the gateway's `module:` names).
 *
 * @example
 * ```ts
 * import { defineAdapterPlugin } from '@switchyard/adapter-kit';
 * import { z } from 'zod';
 * import { createAcmeAdapter } from './acme-adapter.js';
 *
 * export const adapterPlugin = defineAdapterPlugin({
 *   type: 'acme',
 *   settingsSchema: z.strictObject({ region: z.enum(['eu', 'us']).default('eu') }),
 *   create: ({ name, baseURL, apiKey, models, options }) =>
 *     createAcmeAdapter({ provider: name, baseURL, apiKey, models, region: options.region }),
 * });
 * ```
 */
export function defineAdapterPlugin<Options = Record<string, unknown>>(
  plugin: Omit<AdapterPlugin<Options>, 'pluginVersion'>,
): AdapterPlugin<Options> {
  return { pluginVersion: ADAPTER_PLUGIN_VERSION, ...plugin };
}

/**
 * A plugin's `create` refusing its settings: which setting (relative to the provider, e.g.
 * `preset` or `options.region`), what is wrong, and the fix. The gateway reports it as a config
 * problem at `providers.<name>.<setting>`.
 */
export class AdapterSettingsError extends Error {
  readonly setting: string;
  readonly fix: string;

  constructor(init: { setting: string; message: string; fix: string }) {
    super(init.message);
    this.name = 'AdapterSettingsError';
    this.setting = init.setting;
    this.fix = init.fix;
  }
}
