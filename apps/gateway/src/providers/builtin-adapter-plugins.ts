import { adapterPlugin as anthropic } from '@switchyard/adapter-anthropic';
import { adapterPlugin as gemini } from '@switchyard/adapter-gemini';
import type { AdapterPlugin } from '@switchyard/adapter-kit';
import { adapterPlugin as openaiCompatible } from '@switchyard/adapter-openai-compatible';
import { adapterPlugin as simulator } from '@switchyard/adapter-simulator';

/**
 * The adapter plugins bundled with the gateway, by `type`. They register the way a `module:`
 * plugin does (the same `adapterPlugin` export, the same settings check), only without loading.
 */
export const BUILTIN_ADAPTER_PLUGINS: ReadonlyMap<string, AdapterPlugin> = new Map(
  [openaiCompatible, anthropic, gemini, simulator].map((plugin) => [plugin.type, plugin as AdapterPlugin]),
);
