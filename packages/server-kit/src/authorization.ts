const BEARER = /^\s*bearer\s+(\S+)\s*$/i;

/** The key of an `Authorization: Bearer <key>` header; null when there is none in that form. */
export function bearerToken(authorization: string | undefined): string | null {
  if (authorization === undefined) return null;
  const match = BEARER.exec(authorization);
  return match ? (match[1] as string) : null;
}

/**
 * Why {@link bearerToken} found no key, for the 401's message: no header, a key sent without the
 * `Bearer` scheme, or another scheme.
 */
export function missingApiKeyMessage(authorization: string | undefined): string {
  const how = 'send it as "Authorization: Bearer <key>".';
  const value = authorization?.trim() ?? '';
  if (value === '') return `Missing API key: ${how}`;
  const [scheme, ...rest] = value.split(/\s+/);
  if (rest.length === 0) return `The Authorization header has a key but no "Bearer" scheme: ${how}`;
  if (/^bearer$/i.test(scheme ?? ''))
    return `The Authorization header has "Bearer" but no single key after it: ${how}`;
  return `The Authorization scheme "${(scheme ?? '').slice(0, 20)}" is not supported: ${how}`;
}
