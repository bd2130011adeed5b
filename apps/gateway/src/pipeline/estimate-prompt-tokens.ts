import type { ChatCompletionRequest } from '@switchyard/protocol';

// About four characters per token for English text with GPT-style tokenizers; a few tokens of
// framing per message. Rate limits and budget reservations need a fast upper-ish estimate, not an
// exact count: the ledger records the upstream's real usage.
const CHARS_PER_TOKEN = 4;
const TOKENS_PER_MESSAGE = 4;
const TOKENS_PER_IMAGE = 765;

function contentLength(content: unknown): { chars: number; images: number } {
  if (typeof content === 'string') return { chars: content.length, images: 0 };
  if (!Array.isArray(content)) return { chars: 0, images: 0 };
  let chars = 0;
  let images = 0;
  for (const part of content as { type?: string; text?: string; refusal?: string }[]) {
    if (typeof part.text === 'string') chars += part.text.length;
    else if (typeof part.refusal === 'string') chars += part.refusal.length;
    else if (part.type === 'image_url') images += 1;
  }
  return { chars, images };
}

/** A cheap estimate of a request's prompt tokens (messages, tool calls and tool definitions). */
export function estimatePromptTokens(request: ChatCompletionRequest): number {
  let chars = 0;
  let images = 0;
  for (const message of request.messages) {
    const length = contentLength((message as { content?: unknown }).content);
    chars += length.chars;
    images += length.images;
    // Only assistant messages are checked for `tool_calls`; others pass unknown fields through
    // unvalidated (`"tool_calls": true` on a system message), so nothing here may assume a shape.
    const toolCalls = (message as { tool_calls?: unknown }).tool_calls;
    if (Array.isArray(toolCalls)) {
      for (const call of toolCalls as { function?: { name?: unknown; arguments?: unknown } }[]) {
        const name = call?.function?.name;
        const args = call?.function?.arguments;
        chars += (typeof name === 'string' ? name.length : 0) + (typeof args === 'string' ? args.length : 0);
      }
    }
  }
  if (request.tools) chars += JSON.stringify(request.tools).length;
  if (request.response_format?.type === 'json_schema')
    chars += JSON.stringify(request.response_format).length;
  return (
    Math.ceil(chars / CHARS_PER_TOKEN) +
    request.messages.length * TOKENS_PER_MESSAGE +
    images * TOKENS_PER_IMAGE
  );
}
