import type { ConfigIssue } from './config-error.js';

/** A provider as the gateway runs it, after env, file and defaults were merged. */
export interface ResolvedProvider {
  readonly name: string;
  /** The adapter plugin's type: a built-in one, or the one `module` exports. */
  readonly type: string;
  /** The plugin's module as written in the config (a package name, or a path relative to it). */
  readonly module: string | undefined;
  readonly preset: string | undefined;
  readonly baseURL: string | undefined;
  readonly apiKey: string | undefined;
  readonly headers: Readonly<Record<string, string>> | undefined;
  /** Upstream model ids declared in the config; `undefined` when they are discovered. */
  readonly models: readonly string[] | undefined;
  readonly discover: boolean;
  readonly passthrough: boolean;
  readonly options: Readonly<Record<string, unknown>> | undefined;
  readonly timeoutMs: number | undefined;
  /** Where it came from, for `config check` and the start banner. */
  readonly origin: 'builtin' | 'env' | 'file';
}

interface EnvProviderSpec {
  readonly name: string;
  readonly type: string;
  readonly preset?: string;
  readonly keyVar: string;
  readonly baseVar: string;
}

/** Providers switched on by an API key in the environment, in bare-model-name priority order. */
export const ENV_PROVIDERS: readonly EnvProviderSpec[] = [
  {
    name: 'token360',
    type: 'openai-compatible',
    preset: 'token360',
    keyVar: 'TOKEN360_API_KEY',
    baseVar: 'TOKEN360_BASE_URL',
  },
  {
    name: 'openai',
    type: 'openai-compatible',
    preset: 'openai',
    keyVar: 'OPENAI_API_KEY',
    baseVar: 'OPENAI_BASE_URL',
  },
  { name: 'anthropic', type: 'anthropic', keyVar: 'ANTHROPIC_API_KEY', baseVar: 'ANTHROPIC_BASE_URL' },
  { name: 'gemini', type: 'gemini', keyVar: 'GEMINI_API_KEY', baseVar: 'GEMINI_BASE_URL' },
];

/** The provider behind `OPENAI_BASE_URL` when no `OPENAI_API_KEY` is set (Ollama, vLLM, llama.cpp…). */
export const LOCAL_PROVIDER_NAME = 'local';
export const SIMULATOR_PROVIDER_NAME = 'simulator';

function base(name: string, type: string, origin: ResolvedProvider['origin']): ResolvedProvider {
  return {
    name,
    type,
    module: undefined,
    preset: undefined,
    baseURL: undefined,
    apiKey: undefined,
    headers: undefined,
    models: undefined,
    discover: true,
    passthrough: true,
    options: undefined,
    timeoutMs: undefined,
    origin,
  };
}

function checkUrl(variable: string, value: string, issues: ConfigIssue[]): string | undefined {
  try {
    const url = new URL(value);
    if (url.protocol === 'http:' || url.protocol === 'https:') return value.replace(/\/+$/, '');
  } catch {
    // reported below
  }
  issues.push({
    path: `env.${variable}`,
    message: `${JSON.stringify(value)} is not an http(s) URL`,
    fix: `set ${variable} to the API base URL, e.g. http://127.0.0.1:11434/v1`,
  });
  return undefined;
}

/**
 * The providers the environment switches on: one per `*_API_KEY` that is set (with its `*_BASE_URL`
 * override), `local` for `OPENAI_BASE_URL` without `OPENAI_API_KEY`, and the simulator, always.
 */
export function providersFromEnv(env: Readonly<Record<string, string | undefined>>): {
  providers: ResolvedProvider[];
  issues: ConfigIssue[];
} {
  const issues: ConfigIssue[] = [];
  const providers: ResolvedProvider[] = [];
  for (const spec of ENV_PROVIDERS) {
    const apiKey = env[spec.keyVar]?.trim();
    if (!apiKey) continue;
    const baseValue = env[spec.baseVar]?.trim();
    const baseURL = baseValue ? checkUrl(spec.baseVar, baseValue, issues) : undefined;
    providers.push({ ...base(spec.name, spec.type, 'env'), preset: spec.preset, apiKey, baseURL });
  }
  const localBase = env.OPENAI_BASE_URL?.trim();
  if (localBase && !env.OPENAI_API_KEY?.trim()) {
    const baseURL = checkUrl('OPENAI_BASE_URL', localBase, issues);
    if (baseURL) providers.push({ ...base(LOCAL_PROVIDER_NAME, 'openai-compatible', 'env'), baseURL });
  }
  // The simulator serves only the models it lists: a name it does not list is a typo, not a model
  // to pass through (a 404 with the nearest ids instead of the simulator's own error).
  providers.push({ ...base(SIMULATOR_PROVIDER_NAME, 'simulator', 'builtin'), passthrough: false });
  return { providers, issues };
}
