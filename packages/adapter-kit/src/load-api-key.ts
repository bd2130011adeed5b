import { ErrorCode, ServerError } from '@switchyard/protocol';

/** Options of {@link loadApiKey}. */
export interface LoadApiKeyOptions {
  /** The key given in the adapter's settings; wins over the environment. */
  apiKey?: string | undefined;
  /** The environment variable the user configured, read at each call. */
  apiKeyEnv?: string | undefined;
  /** The adapter's own variable, read when the user configured none (`ANTHROPIC_API_KEY`). */
  defaultApiKeyEnv?: string | undefined;
  /** The adapter's name in the error message: `Anthropic`, `token360`. */
  adapterName: string;
  /** Whether a missing key is an error (default) or `undefined` (an upstream that needs none). */
  required?: boolean;
}

/**
 * The API key of one upstream call: `apiKey`, else the variable `apiKeyEnv` (or
 * `defaultApiKeyEnv`) names, read now so that a rotated key needs no restart. A missing required
 * key is a 500 `server_error` (not retryable) that says which variable to set.
 *
 * @example
 * ```ts
 * const key = loadApiKey({ apiKey: settings.apiKey, apiKeyEnv: settings.apiKeyEnv,
 *   defaultApiKeyEnv: 'ACME_API_KEY', adapterName: 'Acme' });
 * ```
 */
export function loadApiKey(options: LoadApiKeyOptions & { required?: true }): string;
export function loadApiKey(options: LoadApiKeyOptions): string | undefined;
export function loadApiKey(options: LoadApiKeyOptions): string | undefined {
  const variable = options.apiKeyEnv ?? options.defaultApiKeyEnv;
  const key = options.apiKey ?? (variable ? process.env[variable] : undefined);
  if (key) return key;
  if (options.required === false) return undefined;
  // A variable the user chose is the fix; the adapter's default is one of two.
  const fix = options.apiKeyEnv
    ? `set ${options.apiKeyEnv}`
    : variable
      ? `set ${variable} or pass apiKey`
      : 'pass apiKey or apiKeyEnv';
  throw new ServerError({
    message: `The ${options.adapterName} adapter has no API key: ${fix}.`,
    code: ErrorCode.serverError,
    retryable: false,
  });
}
