import { createAnthropicAdapter } from '@switchyard/adapter-anthropic';
import { createGeminiAdapter } from '@switchyard/adapter-gemini';
import {
  createOpenAICompatibleAdapter,
  deepseek,
  groq,
  llamacpp,
  lmstudio,
  ollama,
  openai,
  openrouter,
  type PresetSettings,
  token360,
  vllm,
} from '@switchyard/adapter-openai-compatible';
import { createSimulatorAdapter } from '@switchyard/adapter-simulator';
import type { ChatAdapter } from '@switchyard/server-kit';
import { ConfigError } from '../config/config-error.js';
import type { ResolvedProvider } from '../config/env-providers.js';

/** The presets of `@switchyard/adapter-openai-compatible`, by the name used in `preset:`. */
export const OPENAI_COMPATIBLE_PRESETS: Readonly<Record<string, (settings?: PresetSettings) => ChatAdapter>> =
  {
    token360,
    openai,
    deepseek,
    openrouter,
    groq,
    ollama,
    vllm,
    llamacpp,
    lmstudio,
  };

function defined<T extends Record<string, unknown>>(value: T): Partial<T> {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as Partial<T>;
}

/**
 * Builds the adapter for a configured provider. `options` from the config go to the adapter's
 * factory as they are, under the gateway's own settings (name, URL, key, headers, models).
 */
export function createProviderAdapter(provider: ResolvedProvider): ChatAdapter {
  const models = provider.models ? [...provider.models] : undefined;
  const common = defined({
    baseURL: provider.baseURL,
    apiKey: provider.apiKey,
    headers: provider.headers ? { ...provider.headers } : undefined,
    models,
  });
  switch (provider.type) {
    case 'simulator':
      return createSimulatorAdapter({ ...provider.options });
    case 'anthropic':
      return createAnthropicAdapter({ ...provider.options, ...common, provider: provider.name });
    case 'gemini':
      return createGeminiAdapter({ ...provider.options, ...common, provider: provider.name });
    case 'openai-compatible': {
      const settings = {
        ...provider.options,
        ...common,
        name: provider.name,
        // The gateway's catalog caches and refreshes model lists itself: no second cache here.
        discoverModels: provider.discover ? { ttl: 0 } : false,
      };
      if (provider.preset) {
        const preset = OPENAI_COMPATIBLE_PRESETS[provider.preset];
        if (!preset) {
          throw new ConfigError([
            {
              path: `providers.${provider.name}.preset`,
              message: `unknown preset "${provider.preset}"`,
              fix: `use one of: ${Object.keys(OPENAI_COMPATIBLE_PRESETS).join(', ')}; or leave it out and set baseURL`,
            },
          ]);
        }
        return preset(settings);
      }
      if (!provider.baseURL) {
        throw new ConfigError([
          {
            path: `providers.${provider.name}.baseURL`,
            message: 'an openai-compatible provider without a preset needs a base URL',
            fix: 'set baseURL (e.g. http://127.0.0.1:8000/v1), or a preset such as openai or ollama',
          },
        ]);
      }
      return createOpenAICompatibleAdapter({ ...settings, baseURL: provider.baseURL });
    }
  }
}
