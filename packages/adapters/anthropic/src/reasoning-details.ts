import { ANTHROPIC_REASONING_FORMAT, type ReasoningDetail } from '@switchyard/adapter-kit';
import type { AnthropicRedactedThinkingBlock, AnthropicThinkingBlock } from './anthropic-api-types.js';

/** The reasoning detail for a thinking or redacted-thinking block at position `index`. */
export function reasoningDetailFromBlock(
  block: AnthropicThinkingBlock | AnthropicRedactedThinkingBlock,
  index: number,
): ReasoningDetail {
  return block.type === 'thinking'
    ? {
        type: 'reasoning.text',
        text: block.thinking,
        signature: block.signature,
        format: ANTHROPIC_REASONING_FORMAT,
        index,
      }
    : { type: 'reasoning.encrypted', data: block.data, format: ANTHROPIC_REASONING_FORMAT, index };
}

/**
 * Reads the `reasoning_details` an assistant message carries back into Anthropic thinking blocks.
 * Only signed text and encrypted entries can be replayed (Anthropic verifies the signature);
 * entries from another provider's format, summaries and unsigned text are left out.
 */
export function thinkingBlocksFromDetails(
  details: unknown,
): (AnthropicThinkingBlock | AnthropicRedactedThinkingBlock)[] {
  if (!Array.isArray(details)) return [];
  const blocks: (AnthropicThinkingBlock | AnthropicRedactedThinkingBlock)[] = [];
  for (const detail of details) {
    if (typeof detail !== 'object' || detail === null) continue;
    const entry = detail as Record<string, unknown>;
    if (entry.format !== undefined && entry.format !== ANTHROPIC_REASONING_FORMAT) continue;
    if (entry.type === 'reasoning.text' && typeof entry.signature === 'string' && entry.signature !== '') {
      blocks.push({
        type: 'thinking',
        thinking: typeof entry.text === 'string' ? entry.text : '',
        signature: entry.signature,
      });
    } else if (entry.type === 'reasoning.encrypted' && typeof entry.data === 'string') {
      blocks.push({ type: 'redacted_thinking', data: entry.data });
    }
  }
  return blocks;
}
