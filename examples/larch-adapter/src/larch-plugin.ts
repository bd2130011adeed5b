import { defineAdapterPlugin } from '@switchyard/adapter-kit';
import { createLarchAdapter, type LarchAdapterSettings } from './larch-adapter.js';

/**
 * Larch as a gateway plugin: `type: larch` with `module:` naming this package or file. The
 * gateway's common settings (URL, key, headers, models) go over the config's `options:`.
 */
export const adapterPlugin = defineAdapterPlugin<LarchAdapterSettings>({
  type: 'larch',
  create: ({ name, options, discover: _discover, preset: _preset, ...common }) =>
    createLarchAdapter({ ...options, ...common, provider: name }),
});
