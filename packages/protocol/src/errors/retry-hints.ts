/**
 * The wait a server asked for, in milliseconds, as openai-node reads it: `retry-after-ms` (a float)
 * first, then `retry-after` as seconds or an HTTP date. Undefined when absent or unreadable; not
 * capped (callers cap it).
 */
export function retryAfterMsFromHeaders(
  headers: Pick<Headers, 'get'>,
  now: number = Date.now(),
): number | undefined {
  const ms = Number.parseFloat(headers.get('retry-after-ms') ?? '');
  if (Number.isFinite(ms) && ms >= 0) return ms;
  const value = headers.get('retry-after')?.trim();
  if (!value) return undefined;
  const seconds = Number(value);
  if (Number.isFinite(seconds)) return seconds >= 0 ? seconds * 1000 : undefined;
  const date = Date.parse(value);
  return Number.isNaN(date) ? undefined : Math.max(0, date - now);
}

/** The `x-should-retry` override (`true`/`false`), which wins over the status-based decision. */
export function shouldRetryFromHeaders(headers: Pick<Headers, 'get'>): boolean | undefined {
  const value = headers.get('x-should-retry')?.trim().toLowerCase();
  return value === 'true' ? true : value === 'false' ? false : undefined;
}
