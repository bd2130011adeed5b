import { defineAdapterPlugin } from '@switchyard/adapter-kit';
import { createSimulatorAdapter, type SimulatorOptions } from './simulator-adapter.js';

/**
 * The simulator as an adapter plugin (`type: simulator`): the config's `options:` are
 * {@link SimulatorOptions}; it has no upstream, so URL, key and headers do not apply.
 */
export const adapterPlugin = defineAdapterPlugin<SimulatorOptions>({
  type: 'simulator',
  create: ({ options }) => createSimulatorAdapter({ ...options }),
});
