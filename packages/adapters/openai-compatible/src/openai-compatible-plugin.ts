import { AdapterSettingsError, type ChatAdapter, defineAdapterPlugin } from '@switchyard/adapter-kit';
import { createOpenAICompatibleAdapter, type OpenAICompatibleSettings } from './openai-compatible-adapter.js';
import {
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
} from './presets.js';

/** The presets by the name a config uses in `preset:`. */
export const OPENAI_COMPATIBLE_PRESETS: Readonly<Record<string, (settings?: PresetSettings) => ChatAdapter>> =
  { token360, openai, deepseek, openrouter, groq, ollama, vllm, llamacpp, lmstudio };

/**
 * The OpenAI-compatible adapter as an adapter plugin (`type: openai-compatible`, with a `preset:`
 * or a `baseURL`): the config's `options:` are {@link OpenAICompatibleSettings}, under the
 * provider's own name, URL, key, headers and models. A host that discovers models caches the
 * list itself, so the adapter keeps no second cache.
 */
export const adapterPlugin = defineAdapterPlugin<Partial<OpenAICompatibleSettings>>({
  type: 'openai-compatible',
  create: ({ name, options, discover, preset, ...common }) => {
    const settings = { ...options, ...common, name, discoverModels: discover ? { ttl: 0 } : false };
    if (preset !== undefined) {
      const create = OPENAI_COMPATIBLE_PRESETS[preset];
      if (!create) {
        throw new AdapterSettingsError({
          setting: 'preset',
          message: `unknown preset "${preset}"`,
          fix: `use one of: ${Object.keys(OPENAI_COMPATIBLE_PRESETS).join(', ')}; or leave it out and set baseURL`,
        });
      }
      return create(settings);
    }
    const { baseURL } = settings;
    if (!baseURL) {
      throw new AdapterSettingsError({
        setting: 'baseURL',
        message: 'an openai-compatible provider without a preset needs a base URL',
        fix: 'set baseURL (e.g. http://127.0.0.1:8000/v1), or a preset such as openai or ollama',
      });
    }
    return createOpenAICompatibleAdapter({ ...settings, baseURL });
  },
});
