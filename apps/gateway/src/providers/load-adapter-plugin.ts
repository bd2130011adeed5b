import { existsSync } from 'node:fs';
import { dirname, isAbsolute, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { ADAPTER_PLUGIN_VERSION, type AdapterPlugin } from '@switchyard/adapter-kit';
import type { ConfigIssue } from '../config/config-error.js';
import type { ResolvedProvider } from '../config/env-providers.js';

const DEFINE_FIX =
  "export it as `export const adapterPlugin = defineAdapterPlugin({ type, create })` (from '@switchyard/adapter-kit')";

/** Whether `module:` names a file (`./x.js`, `../x.ts`, `/abs/x.js`) rather than a package. */
function isPath(specifier: string): boolean {
  return specifier.startsWith('.') || isAbsolute(specifier);
}

/** A problem with a provider's `module:`, at its path in the config. */
function moduleIssue(provider: ResolvedProvider, message: string, fix: string): ConfigIssue {
  return {
    path: `providers.${provider.name}.module`,
    message: `${JSON.stringify(provider.module)}: ${message}`,
    fix,
  };
}

/** Why `value` (a module's `adapterPlugin` export) is not a v1 plugin; `undefined` when it is one. */
function pluginProblem(value: unknown): string | undefined {
  if (typeof value !== 'object' || value === null)
    return `its adapterPlugin export is ${typeof value}, not a plugin`;
  const plugin = value as Partial<AdapterPlugin>;
  if (plugin.pluginVersion !== ADAPTER_PLUGIN_VERSION) {
    return `its adapterPlugin has pluginVersion ${JSON.stringify(plugin.pluginVersion)}; this gateway loads "${ADAPTER_PLUGIN_VERSION}" plugins`;
  }
  if (typeof plugin.type !== 'string' || plugin.type === '') return 'its adapterPlugin has no type';
  if (typeof plugin.create !== 'function') return 'its adapterPlugin has no create function';
  return undefined;
}

/**
 * Imports the adapter plugin a provider's `module:` names: a file path is resolved against the
 * config file's folder, a package name from where the gateway is installed. Resolves with the
 * plugin, or with the issue that says what failed (missing, failing to load, the wrong export)
 * and how to fix it.
 */
export async function loadAdapterPlugin(
  provider: ResolvedProvider & { readonly module: string },
  configFile: string | undefined,
): Promise<AdapterPlugin | ConfigIssue> {
  const specifier = provider.module;
  let target = specifier;
  if (isPath(specifier)) {
    const base = configFile ? dirname(configFile) : process.cwd();
    const file = resolve(base, specifier);
    if (!existsSync(file)) {
      return moduleIssue(
        provider,
        `the file ${file} does not exist`,
        `give a path relative to the config file (${base}), e.g. ./adapters/my-adapter.js`,
      );
    }
    target = pathToFileURL(file).href;
  }
  let exports: Record<string, unknown>;
  try {
    exports = (await import(target)) as Record<string, unknown>;
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    const code = (error as { code?: unknown }).code;
    if (!isPath(specifier) && code === 'ERR_MODULE_NOT_FOUND' && message.includes(`'${specifier}'`)) {
      return moduleIssue(
        provider,
        'no such package is installed beside the gateway',
        `install it where the gateway is installed (npm install ${specifier}), or give a file path starting with ./`,
      );
    }
    return moduleIssue(
      provider,
      `failed to load: ${message.split('\n')[0]}`,
      'fix the module (importing it with node shows the whole error), or remove module:',
    );
  }
  if (!('adapterPlugin' in exports)) {
    const names = Object.keys(exports);
    return moduleIssue(
      provider,
      `exports no adapterPlugin (it exports: ${names.length > 0 ? names.join(', ') : 'nothing'})`,
      DEFINE_FIX,
    );
  }
  const problem = pluginProblem(exports.adapterPlugin);
  if (problem) return moduleIssue(provider, problem, DEFINE_FIX);
  const plugin = exports.adapterPlugin as AdapterPlugin;
  if (plugin.type !== provider.type) {
    return {
      path: `providers.${provider.name}.type`,
      message: `the module ${JSON.stringify(specifier)} serves type "${plugin.type}", not "${provider.type}"`,
      fix: `set type: ${plugin.type}`,
    };
  }
  return plugin;
}
