import type { ResolvedConfig } from './resolve-config.js';

/** What replaces a secret in `config check`'s output. */
export const REDACTED = '[redacted]';

/** Query parameters that carry credentials (Gemini's `?key=`, signed URLs, tokens). */
const SECRET_PARAM = /key|token|secret|password|passwd|pwd|auth|sig|credential/i;

/**
 * A URL fit to show: its userinfo (`user:password@`) and the values of credential-like query
 * parameters replaced by {@link REDACTED}. Anything that does not parse as a URL is hidden whole.
 */
export function redactUrl(value: string): string {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    return REDACTED;
  }
  let query = '';
  if (url.search) {
    const params = [...url.searchParams].map(
      ([name, v]) =>
        `${encodeURIComponent(name)}=${SECRET_PARAM.test(name) ? REDACTED : encodeURIComponent(v)}`,
    );
    query = `?${params.join('&')}`;
  }
  const userinfo = url.username || url.password ? `${REDACTED}@` : '';
  // Rebuilt by hand: `URL` would percent-encode the brackets of the marker.
  return `${url.protocol}//${userinfo}${url.host}${url.pathname}${query}${url.hash}`;
}

const hideValues = (headers: Readonly<Record<string, string>>) =>
  Object.fromEntries(Object.keys(headers).map((name) => [name, REDACTED]));

const redactOptional = (url: string | undefined) => (url === undefined ? undefined : redactUrl(url));

/**
 * The resolved config without its secrets, for `config check --json`: API keys and the admin key
 * as `[set]`, header values hidden (they often carry credentials), URLs through {@link redactUrl}.
 */
export function redactedConfig(config: ResolvedConfig): unknown {
  const providers = config.providers.map(({ apiKey, baseURL, headers, ...rest }) => ({
    ...rest,
    baseURL: redactOptional(baseURL),
    ...(headers ? { headers: hideValues(headers) } : {}),
    apiKey: apiKey ? '[set]' : null,
  }));
  return {
    ...config,
    adminKey: config.adminKey ? '[set]' : null,
    providers,
    storage: { ...config.storage, url: redactOptional(config.storage.url) },
    redis: { ...config.redis, url: redactOptional(config.redis.url) },
    telemetry: {
      ...config.telemetry,
      otlp: config.telemetry.otlp && {
        url: redactOptional(config.telemetry.otlp.url),
        headers: hideValues(config.telemetry.otlp.headers),
      },
    },
  };
}
