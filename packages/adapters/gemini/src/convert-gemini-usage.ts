import type { Usage } from '@switchyard/protocol';
import type { GeminiUsageMetadata } from './gemini-api-types.js';

/**
 * Gemini usage → protocol usage. `promptTokenCount` already includes the cached tokens;
 * `candidatesTokenCount` leaves out the thinking tokens, so they are added to the completion.
 * Returns undefined for metadata without counts (Vertex sends `{trafficType}` alone mid-stream).
 */
export function convertGeminiUsage(metadata: GeminiUsageMetadata | undefined): Usage | undefined {
  if (!metadata) return undefined;
  const {
    promptTokenCount,
    candidatesTokenCount,
    thoughtsTokenCount,
    cachedContentTokenCount,
    totalTokenCount,
  } = metadata;
  if (promptTokenCount === undefined && candidatesTokenCount === undefined && totalTokenCount === undefined) {
    return undefined;
  }
  const prompt = promptTokenCount ?? 0;
  const completion = (candidatesTokenCount ?? 0) + (thoughtsTokenCount ?? 0);
  const usage: Usage = {
    prompt_tokens: prompt,
    completion_tokens: completion,
    total_tokens: prompt + completion,
  };
  if (cachedContentTokenCount !== undefined)
    usage.prompt_tokens_details = { cached_tokens: cachedContentTokenCount };
  if (thoughtsTokenCount !== undefined)
    usage.completion_tokens_details = { reasoning_tokens: thoughtsTokenCount };
  return usage;
}
