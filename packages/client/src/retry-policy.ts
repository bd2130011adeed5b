/** Longest wait a server's `retry-after` hint can impose before the next attempt. */
export const MAX_RETRY_DELAY_MS = 60_000;

/**
 * The wait the server asked for, in milliseconds: `retry-after-ms` (a float) first, then
 * `retry-after` as seconds or an HTTP date. Undefined when absent or unreadable; not capped.
 */
export function retryAfterMs(headers: Headers, now: number = Date.now()): number | undefined {
  const ms = Number.parseFloat(headers.get('retry-after-ms') ?? '');
  if (ms >= 0) return ms;
  const value = headers.get('retry-after');
  if (!value) return undefined;
  const seconds = Number(value);
  if (seconds >= 0) return seconds * 1000;
  const date = Date.parse(value);
  return Number.isNaN(date) ? undefined : Math.max(0, date - now);
}

/**
 * How long to wait before retry number `retryIndex` (0 for the first retry): the server's hint
 * capped at {@link MAX_RETRY_DELAY_MS}, else exponential backoff from 0.5 s to 8 s with up to
 * 25% jitter so that clients failing together do not retry together.
 */
export function retryDelayMs(hintMs: number | undefined, retryIndex: number): number {
  if (hintMs !== undefined) return Math.min(hintMs, MAX_RETRY_DELAY_MS);
  return Math.min(500 * 2 ** retryIndex, 8000) * (1 - Math.random() * 0.25);
}

/** The `x-should-retry` override: `true`/`false` win over the status-based decision. */
export function shouldRetryHeader(headers: Headers): boolean | undefined {
  const value = headers.get('x-should-retry');
  return value === 'true' ? true : value === 'false' ? false : undefined;
}
