import { defineAdapterPlugin } from '@switchyard/adapter-kit';
import { type AnthropicAdapterSettings, createAnthropicAdapter } from './anthropic-adapter.js';

/**
 * The Anthropic adapter as an adapter plugin (`type: anthropic`): the config's `options:` are
 * {@link AnthropicAdapterSettings}, under the provider's own URL, key, headers and models.
 */
export const adapterPlugin = defineAdapterPlugin<AnthropicAdapterSettings>({
  type: 'anthropic',
  create: ({ name, options, discover: _discover, preset: _preset, ...common }) =>
    createAnthropicAdapter({ ...options, ...common, provider: name }),
});
