import type { Usage } from '@switchyard/protocol';

/** Usage in the Messages shape; every count present, as Anthropic sends it. */
export interface MessagesWireUsage {
  input_tokens: number;
  output_tokens: number;
  cache_creation_input_tokens: number;
  cache_read_input_tokens: number;
}

/**
 * Canonical usage in Messages terms: chat's `prompt_tokens` includes the tokens read from and
 * written to the prompt cache, Anthropic's `input_tokens` does not.
 */
export function toMessagesUsage(usage: Usage | null | undefined): MessagesWireUsage {
  const cacheRead = usage?.prompt_tokens_details?.cached_tokens ?? 0;
  const cacheWrite = usage?.prompt_tokens_details?.cache_write_tokens ?? 0;
  return {
    input_tokens: Math.max(0, (usage?.prompt_tokens ?? 0) - cacheRead - cacheWrite),
    output_tokens: usage?.completion_tokens ?? 0,
    cache_creation_input_tokens: cacheWrite,
    cache_read_input_tokens: cacheRead,
  };
}
