import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';

/** The npm package whose bundled data prices every call (see docs/config.md, "Prices"). */
export const CATALOGUE_PACKAGE = '@pydantic/genai-prices';

/** The catalogue's version: its data is the one bundled in this version of the package. */
export function catalogueVersion(): string {
  const entry = createRequire(import.meta.url).resolve(CATALOGUE_PACKAGE);
  const manifest = JSON.parse(readFileSync(join(dirname(entry), '..', 'package.json'), 'utf8')) as {
    version: string;
  };
  return manifest.version;
}

/**
 * The catalogue's provider id for an openai-compatible preset; `null` for presets that run models
 * on your own machines (no list price). An openai-compatible provider without a preset has no id:
 * its models are matched across the whole catalogue by model id.
 */
const PRESET_PROVIDERS: Readonly<Record<string, string | null>> = {
  openai: 'openai',
  deepseek: 'deepseek',
  openrouter: 'openrouter',
  groq: 'groq',
  // Token360 serves Zhipu's GLM models and reports its own bill (`usage.cost`), which wins.
  token360: 'zhipuai',
  vllm: null,
  ollama: null,
  llamacpp: null,
  lmstudio: null,
};

/**
 * Which catalogue provider prices a configured provider: a provider id, `null` for none (only the
 * config's `prices:` apply), or `undefined` to match the model id across the whole catalogue.
 */
export function catalogueProviderOf(provider: {
  readonly type: string;
  readonly preset: string | undefined;
}): string | null | undefined {
  if (provider.type === 'anthropic') return 'anthropic';
  if (provider.type === 'gemini') return 'google';
  if (provider.type === 'simulator') return null;
  return provider.preset === undefined ? undefined : PRESET_PROVIDERS[provider.preset];
}

/** Each configured provider's catalogue provider id ({@link catalogueProviderOf}), by its name. */
export function priceProvidersOf(
  providers: readonly { readonly name: string; readonly type: string; readonly preset: string | undefined }[],
): Record<string, string | null | undefined> {
  return Object.fromEntries(providers.map((p) => [p.name, catalogueProviderOf(p)]));
}
