/**
 * The most tokens the simulator writes per choice, like a real model's output limit: a longer
 * echo is cut and finishes with `length`.
 */
export const MAX_OUTPUT_TOKENS = 4_096;

/** The most tokens of all `n` choices together, so that `n` cannot multiply a long answer. */
export const MAX_TOTAL_OUTPUT_TOKENS = 16_384;

/** The token limit of each choice of an answer with `n` choices and the request's own limit. */
export function outputTokenLimit(n: number, requested: number): number {
  return Math.min(requested, MAX_OUTPUT_TOKENS, Math.floor(MAX_TOTAL_OUTPUT_TOKENS / Math.max(1, n)));
}
