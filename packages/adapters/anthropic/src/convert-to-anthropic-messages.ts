import {
  type AssistantMessageParam,
  BadRequestError,
  type ChatMessage,
  ErrorCode,
  type UserContentPart,
} from '@switchyard/protocol';
import type {
  AnthropicContentBlock,
  AnthropicDocumentBlock,
  AnthropicImageBlock,
  AnthropicMessage,
  AnthropicTextBlock,
  AnthropicToolResultBlock,
  AnthropicToolUseBlock,
} from './anthropic-api-types.js';
import { thinkingBlocksFromDetails } from './reasoning-details.js';

const IMAGE_MEDIA_TYPES = new Set(['image/jpeg', 'image/png', 'image/gif', 'image/webp']);
const DATA_URL = /^data:([^;,]*)((?:;[^;,]*)*),/;

/** The conversation in Anthropic's shape: the lifted system prompt plus alternating turns. */
export interface AnthropicPrompt {
  system: AnthropicTextBlock[];
  messages: AnthropicMessage[];
}

/**
 * Converts chat messages to an Anthropic prompt.
 *
 * - `system` and `developer` messages, wherever they are, become the top-level `system` blocks in
 *   order (Anthropic has no system role inside `messages`).
 * - `tool` messages become `tool_result` blocks of a user turn; runs of the same role are merged,
 *   so tool results and a following user message form one user turn, tool results first.
 * - Assistant turns are ordered thinking → text → tool_use; thinking comes only from signed
 *   `reasoning_details` (Anthropic rejects unsigned thinking).
 * - Empty text is left out (Anthropic rejects empty text blocks); a final assistant message is a
 *   prefill, whose trailing whitespace Anthropic also rejects.
 */
export function convertToAnthropicMessages(messages: readonly ChatMessage[]): AnthropicPrompt {
  const system: AnthropicTextBlock[] = [];
  const turns: AnthropicMessage[] = [];

  messages.forEach((message, i) => {
    const param = `messages[${i}]`;
    switch (message.role) {
      case 'system':
      case 'developer':
        system.push(...textBlocks(message.content, message));
        return;
      case 'user':
        appendTurn(turns, 'user', userBlocks(message.content, message, param));
        return;
      case 'assistant':
        appendTurn(turns, 'assistant', assistantBlocks(message, param));
        return;
      case 'tool':
        appendTurn(turns, 'user', [toolResultBlock(message)]);
        return;
    }
  });

  for (const turn of turns) {
    turn.content = turn.role === 'user' ? toolResultsFirst(turn.content) : assistantOrder(turn.content);
  }
  trimPrefill(turns);
  if (turns.length === 0) {
    throw new BadRequestError({
      message: 'messages must contain at least one user or assistant message with content.',
      code: ErrorCode.invalidRequest,
      param: 'messages',
    });
  }
  return { system, messages: turns };
}

function appendTurn(
  turns: AnthropicMessage[],
  role: 'user' | 'assistant',
  blocks: AnthropicContentBlock[],
): void {
  if (blocks.length === 0) return;
  const last = turns.at(-1);
  if (last?.role === role) last.content.push(...blocks);
  else turns.push({ role, content: blocks });
}

type CacheControl = Record<string, unknown>;

function cacheControlOf(value: object): CacheControl | undefined {
  const cacheControl = (value as { cache_control?: unknown }).cache_control;
  return typeof cacheControl === 'object' && cacheControl !== null
    ? (cacheControl as CacheControl)
    : undefined;
}

/** Copies `cache_control` from a part (or, for the last block, from its message) onto a block. */
function withCacheControl<T extends AnthropicContentBlock>(block: T, source: object): T {
  const cacheControl = cacheControlOf(source);
  return cacheControl ? { ...block, cache_control: cacheControl } : block;
}

function applyMessageCacheControl(blocks: AnthropicContentBlock[], message: object): AnthropicContentBlock[] {
  const last = blocks.at(-1);
  if (last && cacheControlOf(message) && !cacheControlOf(last)) {
    blocks[blocks.length - 1] = withCacheControl(last, message);
  }
  return blocks;
}

function textBlocks(content: string | readonly { text: string }[], message: object): AnthropicTextBlock[] {
  const parts = typeof content === 'string' ? [{ text: content }] : content;
  const blocks: AnthropicTextBlock[] = [];
  for (const part of parts) {
    if (part.text !== '') blocks.push(withCacheControl({ type: 'text', text: part.text }, part));
  }
  return applyMessageCacheControl(blocks, message) as AnthropicTextBlock[];
}

function userBlocks(
  content: string | readonly UserContentPart[],
  message: object,
  param: string,
): AnthropicContentBlock[] {
  if (typeof content === 'string') return textBlocks(content, message);
  const blocks: AnthropicContentBlock[] = [];
  content.forEach((part, j) => {
    const partParam = `${param}.content[${j}]`;
    switch (part.type) {
      case 'text':
        if (part.text !== '') blocks.push(withCacheControl({ type: 'text', text: part.text }, part));
        return;
      case 'image_url':
        blocks.push(withCacheControl(imageBlock(part.image_url.url, `${partParam}.image_url.url`), part));
        return;
      case 'file':
        blocks.push(withCacheControl(documentBlock(part.file, `${partParam}.file`), part));
        return;
      case 'input_audio':
        throw unsupported('Anthropic models do not accept audio input (input_audio parts).', partParam);
    }
  });
  return applyMessageCacheControl(blocks, message);
}

function imageBlock(url: string, param: string): AnthropicImageBlock {
  if (/^https?:\/\//i.test(url)) return { type: 'image', source: { type: 'url', url } };
  const data = parseDataUrl(url);
  if (!data) throw unsupported('image_url.url must be an http(s) URL or a base64 data: URL.', param);
  if (!IMAGE_MEDIA_TYPES.has(data.mediaType)) {
    throw unsupported(
      `Anthropic accepts image/jpeg, image/png, image/gif and image/webp images (got '${data.mediaType}').`,
      param,
    );
  }
  return { type: 'image', source: { type: 'base64', media_type: data.mediaType, data: data.data } };
}

function documentBlock(
  file: { file_data?: string | undefined; file_id?: string | undefined; filename?: string | undefined },
  param: string,
): AnthropicDocumentBlock {
  if (file.file_data === undefined) {
    throw unsupported(
      'file_id references are not supported by the Anthropic adapter: send file_data.',
      param,
    );
  }
  const data = parseDataUrl(file.file_data);
  const isPdf = data ? data.mediaType === 'application/pdf' : /\.pdf$/i.test(file.filename ?? '');
  if (!isPdf)
    throw unsupported('Anthropic accepts PDF documents only (base64 file_data).', `${param}.file_data`);
  const block: AnthropicDocumentBlock = {
    type: 'document',
    source: { type: 'base64', media_type: 'application/pdf', data: data ? data.data : file.file_data },
  };
  if (file.filename) block.title = file.filename;
  return block;
}

function parseDataUrl(url: string): { mediaType: string; data: string } | undefined {
  const match = DATA_URL.exec(url);
  if (!match || !/;base64$/i.test(match[2] ?? '')) return undefined;
  return { mediaType: (match[1] || 'text/plain').toLowerCase(), data: url.slice(match[0].length) };
}

function assistantBlocks(message: AssistantMessageParam, param: string): AnthropicContentBlock[] {
  if (message.function_call) {
    throw unsupported(
      'function_call is deprecated and not supported: send tool_calls instead.',
      `${param}.function_call`,
    );
  }
  const blocks: AnthropicContentBlock[] = [
    ...thinkingBlocksFromDetails((message as { reasoning_details?: unknown }).reasoning_details),
  ];
  const content = message.content;
  if (typeof content === 'string') {
    blocks.push(...textBlocks(content, {}));
  } else if (content) {
    for (const part of content) {
      const text = part.type === 'text' ? part.text : part.refusal;
      if (text !== '') blocks.push(withCacheControl({ type: 'text', text }, part));
    }
  }
  // A replayed refusal has no content of its own; without this it would vanish from the history.
  if (!blocks.some((block) => block.type === 'text') && message.refusal) {
    blocks.push({ type: 'text', text: message.refusal });
  }
  message.tool_calls?.forEach((call, j) => {
    blocks.push({
      type: 'tool_use',
      id: call.id,
      name: call.function.name,
      input: parseArguments(call.function.arguments, `${param}.tool_calls[${j}].function.arguments`),
    } satisfies AnthropicToolUseBlock);
  });
  return applyMessageCacheControl(blocks, message);
}

function parseArguments(text: string, param: string): Record<string, unknown> {
  if (text.trim() === '') return {};
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    throw new BadRequestError({
      message: `${param} must be a JSON object string; it is not valid JSON.`,
      code: ErrorCode.invalidRequest,
      param,
    });
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new BadRequestError({
      message: `${param} must encode a JSON object: Anthropic tool inputs are objects.`,
      code: ErrorCode.invalidRequest,
      param,
    });
  }
  return value as Record<string, unknown>;
}

function toolResultBlock(message: Extract<ChatMessage, { role: 'tool' }>): AnthropicToolResultBlock {
  const block: AnthropicToolResultBlock = { type: 'tool_result', tool_use_id: message.tool_call_id };
  const text = textBlocks(message.content, {});
  if (text.length === 1 && !cacheControlOf(text[0] as object))
    block.content = (text[0] as AnthropicTextBlock).text;
  else if (text.length > 0) block.content = text;
  // `is_error` is not part of the chat-completions protocol; callers that know it may send it.
  if ((message as { is_error?: unknown }).is_error === true) block.is_error = true;
  return withCacheControl(block, message);
}

function toolResultsFirst(blocks: AnthropicContentBlock[]): AnthropicContentBlock[] {
  const results = blocks.filter((block) => block.type === 'tool_result');
  if (results.length === 0 || results.length === blocks.length) return blocks;
  return [...results, ...blocks.filter((block) => block.type !== 'tool_result')];
}

const ASSISTANT_ORDER: Partial<Record<AnthropicContentBlock['type'], number>> = {
  thinking: 0,
  redacted_thinking: 0,
  tool_use: 2,
};

/** Thinking first and tool_use last, as Anthropic produces (and, with thinking, requires) them. */
function assistantOrder(blocks: AnthropicContentBlock[]): AnthropicContentBlock[] {
  const rank = (block: AnthropicContentBlock) => ASSISTANT_ORDER[block.type] ?? 1;
  return blocks
    .map((block, i) => ({ block, i }))
    .sort((a, b) => rank(a.block) - rank(b.block) || a.i - b.i)
    .map(({ block }) => block);
}

/** Anthropic rejects a final assistant message (a prefill) that ends with whitespace. */
function trimPrefill(turns: AnthropicMessage[]): void {
  const last = turns.at(-1);
  if (last?.role !== 'assistant') return;
  const block = last.content.at(-1);
  if (block?.type !== 'text') return;
  const text = block.text.trimEnd();
  if (text !== '') {
    block.text = text;
    return;
  }
  last.content.pop();
  if (last.content.length === 0) turns.pop();
}

function unsupported(message: string, param: string): BadRequestError {
  return new BadRequestError({ message, code: ErrorCode.unsupportedParameter, param });
}
