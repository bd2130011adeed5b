import { defineAdapterPlugin } from '@switchyard/adapter-kit';
import { createGeminiAdapter, type GeminiAdapterSettings } from './gemini-adapter.js';

/**
 * The Gemini adapter as an adapter plugin (`type: gemini`): the config's `options:` are
 * {@link GeminiAdapterSettings}, under the provider's own URL, key, headers and models.
 */
export const adapterPlugin = defineAdapterPlugin<GeminiAdapterSettings>({
  type: 'gemini',
  create: ({ name, options, discover: _discover, preset: _preset, ...common }) =>
    createGeminiAdapter({ ...options, ...common, provider: name }),
});
