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

/** Resolves after `ms`, or rejects with the signal's reason as soon as it aborts. */
export function sleep(ms: number, signal: AbortSignal): Promise<void> {
  if (signal.aborted) return Promise.reject(signal.reason);
  if (ms <= 0) return Promise.resolve();
  return new Promise((resolve, reject) => {
    const onAbort = () => {
      clearTimeout(timer);
      reject(signal.reason);
    };
    const timer = setTimeout(() => {
      signal.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    signal.addEventListener('abort', onAbort, { once: true });
  });
}
