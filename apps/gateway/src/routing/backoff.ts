/** Exponential backoff with up to 25% jitter down, as openai-node does: `min(initial·2^n, max)·(1 − rand·0.25)`. */
export function backoffDelay(
  retryIndex: number,
  initialMs: number,
  maxMs: number,
  random: () => number,
): number {
  const base = Math.min(initialMs * 2 ** retryIndex, maxMs);
  return Math.round(base * (1 - random() * 0.25));
}
