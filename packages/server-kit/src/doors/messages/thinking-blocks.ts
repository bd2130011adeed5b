import { ANTHROPIC_REASONING_FORMAT } from '@switchyard/adapter-kit';
import type { AssistantMessage, MessagesResponseBlock } from '@switchyard/protocol';

/**
 * The thinking blocks of an assistant message: its signed `reasoning_details` (from Anthropic,
 * replayable) when it has them, else its `reasoning_content` (or `reasoning`) as one unsigned
 * block: a signature only where the upstream gave one.
 */
export function thinkingBlocks(message: AssistantMessage): MessagesResponseBlock[] {
  const details = (message as { reasoning_details?: unknown }).reasoning_details;
  const signed: MessagesResponseBlock[] = [];
  if (Array.isArray(details)) {
    for (const detail of details as Record<string, unknown>[]) {
      if (detail?.format !== ANTHROPIC_REASONING_FORMAT) continue;
      if (detail.type === 'reasoning.text' && typeof detail.signature === 'string')
        signed.push({ type: 'thinking', thinking: String(detail.text ?? ''), signature: detail.signature });
      else if (detail.type === 'reasoning.encrypted' && typeof detail.data === 'string')
        signed.push({ type: 'redacted_thinking', data: detail.data });
    }
  }
  if (signed.length > 0) return signed;
  const text = message.reasoning_content ?? message.reasoning;
  return text ? [{ type: 'thinking', thinking: text, signature: '' }] : [];
}
