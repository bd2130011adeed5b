/** Longest wait a server's `retry-after` hint can impose before the next attempt. */
export const MAX_RETRY_DELAY_MS = 60_000;

/**
 * How long to wait before retry number `retryIndex` (0 for the first retry): the server's hint
 * capped at {@link MAX_RETRY_DELAY_MS}, else exponential backoff from 0.5 s to 8 s with up to
 * 25% jitter so that clients failing together do not retry together.
 */
export function retryDelayMs(hintMs: number | undefined, retryIndex: number): number {
  if (hintMs !== undefined) return Math.min(hintMs, MAX_RETRY_DELAY_MS);
  return Math.min(500 * 2 ** retryIndex, 8000) * (1 - Math.random() * 0.25);
}
