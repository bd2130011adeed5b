import type { Usage } from '@switchyard/protocol';
import type { AnthropicUsage } from './anthropic-api-types.js';

/**
 * Converts Anthropic usage to the OpenAI convention: cache reads and writes are part of
 * `prompt_tokens` (Anthropic counts them apart from `input_tokens`), thinking is part of
 * `output_tokens` already. Cache details appear only when the upstream reported them.
 */
export function convertAnthropicUsage(usage: AnthropicUsage): Usage {
  const input = usage.input_tokens ?? 0;
  const cacheRead = usage.cache_read_input_tokens;
  const cacheWrite = usage.cache_creation_input_tokens;
  const promptTokens = input + (cacheRead ?? 0) + (cacheWrite ?? 0);
  const completionTokens = usage.output_tokens ?? 0;
  const result: Usage = {
    prompt_tokens: promptTokens,
    completion_tokens: completionTokens,
    total_tokens: promptTokens + completionTokens,
  };
  if (cacheRead != null || cacheWrite != null) {
    result.prompt_tokens_details = { cached_tokens: cacheRead ?? 0, cache_write_tokens: cacheWrite ?? 0 };
  }
  return result;
}

/**
 * Folds a later usage report into an earlier one. Anthropic's counts are cumulative snapshots (the
 * `message_delta` `output_tokens` is the total so far), so a reported field replaces the old value;
 * fields the later report leaves out keep theirs.
 */
export function mergeAnthropicUsage(
  previous: AnthropicUsage,
  next: AnthropicUsage | null | undefined,
): AnthropicUsage {
  if (!next) return previous;
  return {
    input_tokens: next.input_tokens ?? previous.input_tokens,
    output_tokens: next.output_tokens ?? previous.output_tokens,
    cache_creation_input_tokens: next.cache_creation_input_tokens ?? previous.cache_creation_input_tokens,
    cache_read_input_tokens: next.cache_read_input_tokens ?? previous.cache_read_input_tokens,
  };
}
