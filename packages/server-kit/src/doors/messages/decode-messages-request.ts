import {
  ANTHROPIC_REASONING_FORMAT,
  type MessagesDoorNative,
  type ReasoningDetail,
} from '@switchyard/adapter-kit';
import {
  BadRequestError,
  type ChatCompletionRequest,
  type ChatMessage,
  ErrorCode,
  type MessagesAssistantBlock,
  type MessagesRequest,
  type MessagesTextBlock,
  type MessagesTool,
  type MessagesToolChoice,
  type MessagesUserBlock,
  parseMessagesRequest,
  safeParseChatCompletionRequest,
  type ToolCallParam,
  type UserContentPart,
} from '@switchyard/protocol';
import type { DecodedRequest } from '../../front-door.js';
import { refuseUnknownKeys, unsupportedField } from './unsupported-field.js';

type Json = Record<string, unknown>;

/** The chat-completions limit on stop sequences. */
const MAX_STOP_SEQUENCES = 4;

const REQUEST_KEYS = new Set([
  'model',
  'max_tokens',
  'messages',
  'system',
  'metadata',
  'stop_sequences',
  'stream',
  'temperature',
  'top_p',
  'top_k',
  'tools',
  'tool_choice',
  'thinking',
  'service_tier',
]);
const BLOCK_KEYS: Readonly<Record<string, ReadonlySet<string>>> = {
  text: new Set(['type', 'text', 'cache_control', 'citations']),
  image: new Set(['type', 'source', 'cache_control']),
  document: new Set(['type', 'source', 'title', 'cache_control']),
  tool_use: new Set(['type', 'id', 'name', 'input', 'cache_control']),
  tool_result: new Set(['type', 'tool_use_id', 'content', 'is_error', 'cache_control']),
  thinking: new Set(['type', 'thinking', 'signature']),
  redacted_thinking: new Set(['type', 'data']),
};
const TOOL_KEYS = new Set(['type', 'name', 'description', 'input_schema', 'cache_control', 'strict']);

/**
 * Validates a Messages body and converts it to the canonical chat-completions request: system
 * prompt → a system message; text, image and PDF blocks → content parts; `tool_result` blocks →
 * tool messages; `tool_use` → tool calls; thinking blocks → `reasoning_content` plus signed
 * `reasoning_details`; tools, `tool_choice`, `thinking`, `stop_sequences`, `metadata.user_id` →
 * their chat fields. `cache_control` rides along as a vendor field. A field that cannot be carried
 * is refused with a 400 naming it.
 */
export function decodeMessagesRequest(
  body: unknown,
  header: (name: string) => string | undefined,
  servedNatively: (model: string) => boolean = () => false,
): DecodedRequest<MessagesDoorNative> {
  const native = parseMessagesRequest(body);
  const request = toChatRequest(native, servedNatively(native.model));
  const checked = safeParseChatCompletionRequest(request);
  if (!checked.success) {
    // Only reachable through a gap in this conversion: still a clear 400, never a crash.
    throw new BadRequestError({
      message: `This Messages request cannot be served as a chat completion: ${checked.error.message}`,
      code: ErrorCode.invalidRequest,
      param: null,
    });
  }
  return { request: checked.data, native: { body: native, anthropicBeta: header('anthropic-beta') } };
}

/**
 * `native`: every deployment of the model passes Messages through, so top-level fields the
 * canonical request has no place for (`context_management`, `output_config`…) are forwarded:
 * they ride on the canonical request as vendor fields (the cache tells such requests apart).
 */
function toChatRequest(body: MessagesRequest, native: boolean): ChatCompletionRequest {
  const vendor: Json = {};
  if (native) {
    for (const [key, value] of Object.entries(body)) if (!REQUEST_KEYS.has(key)) vendor[key] = value;
  } else {
    refuseUnknownKeys(body, REQUEST_KEYS, '');
  }
  const messages: ChatMessage[] = [];
  if (body.system !== undefined) messages.push({ role: 'system', content: systemContent(body.system) });
  body.messages.forEach((message, i) => {
    const path = `messages[${i}]`;
    if (message.role === 'user') messages.push(...userMessages(message.content, path));
    else messages.push(assistantMessage(message.content, path));
  });
  const request: ChatCompletionRequest & Json = {
    ...vendor,
    model: body.model,
    messages,
    max_tokens: body.max_tokens,
  };
  if (body.stream) {
    request.stream = true;
    request.stream_options = { include_usage: true };
  }
  if (body.temperature !== undefined) request.temperature = body.temperature;
  if (body.top_p !== undefined) request.top_p = body.top_p;
  if (body.top_k !== undefined) request.top_k = body.top_k;
  if (body.stop_sequences !== undefined && body.stop_sequences.length > 0) {
    if (body.stop_sequences.length > MAX_STOP_SEQUENCES)
      throw unsupportedField('stop_sequences', `at most ${MAX_STOP_SEQUENCES} stop sequences are supported.`);
    request.stop = body.stop_sequences;
  }
  if (body.metadata) {
    refuseUnknownKeys(body.metadata, new Set(['user_id']), 'metadata');
    if (body.metadata.user_id) request.user = body.metadata.user_id;
  }
  if (body.service_tier !== undefined)
    request.service_tier = body.service_tier === 'auto' ? 'auto' : 'default';
  if (body.tools !== undefined) request.tools = body.tools.map(chatTool);
  if (body.tool_choice !== undefined) Object.assign(request, toolChoice(body.tool_choice));
  if (body.thinking !== undefined) {
    request.thinking =
      body.thinking.type === 'enabled'
        ? { type: 'enabled', budget_tokens: body.thinking.budget_tokens }
        : // `adaptive` lets the model decide how much to think: thinking on, without a budget.
          { type: body.thinking.type === 'adaptive' ? 'enabled' : 'disabled' };
  }
  return request;
}

function systemContent(system: string | MessagesTextBlock[]): string | { type: 'text'; text: string }[] {
  if (typeof system === 'string') return system;
  return system.map((block, i) => textPart(block, `system[${i}]`));
}

function textPart(block: MessagesTextBlock, path: string): { type: 'text'; text: string } {
  refuseUnknownKeys(block, BLOCK_KEYS.text as ReadonlySet<string>, path);
  if (block.citations != null && block.citations.length > 0)
    throw unsupportedField(`${path}.citations`, 'citations cannot be replayed to other models.');
  return withCacheControl({ type: 'text', text: block.text }, block.cache_control);
}

function withCacheControl<T extends object>(part: T, cacheControl: unknown): T {
  return cacheControl == null ? part : { ...part, cache_control: cacheControl };
}

/** A user turn: its tool results first (as tool messages), then the rest as one user message. */
function userMessages(content: string | MessagesUserBlock[], path: string): ChatMessage[] {
  if (typeof content === 'string') return [{ role: 'user', content }];
  const tools: ChatMessage[] = [];
  const parts: UserContentPart[] = [];
  content.forEach((block, j) => {
    const at = `${path}.content[${j}]`;
    refuseUnknownKeys(block, BLOCK_KEYS[block.type] as ReadonlySet<string>, at);
    switch (block.type) {
      case 'text':
        parts.push(textPart(block, at));
        break;
      case 'image':
      case 'document':
        parts.push(mediaPart(block, at));
        break;
      case 'tool_result': {
        const message: ChatMessage & Json = {
          role: 'tool',
          tool_call_id: block.tool_use_id,
          content: toolResultContent(block.content, at),
        };
        // Not a chat-completions field; the Anthropic adapter reads it back.
        if (block.is_error) message.is_error = true;
        tools.push(withCacheControl(message, block.cache_control));
        break;
      }
    }
  });
  return parts.length > 0 ? [...tools, { role: 'user', content: parts }] : tools;
}

function mediaPart(
  block: Extract<MessagesUserBlock, { type: 'image' | 'document' }>,
  at: string,
): UserContentPart {
  if (block.type === 'image') {
    const { source } = block;
    const url = source.type === 'base64' ? `data:${source.media_type};base64,${source.data}` : source.url;
    return withCacheControl({ type: 'image_url', image_url: { url } }, block.cache_control);
  }
  if (block.source.type !== 'base64')
    throw unsupportedField(
      `${at}.source.type`,
      `only base64 PDF documents can be carried (got '${block.source.type}').`,
    );
  const file: { file_data: string; filename?: string } = {
    file_data: `data:application/pdf;base64,${block.source.data}`,
  };
  if (block.title) file.filename = block.title;
  return withCacheControl({ type: 'file', file }, block.cache_control);
}

function toolResultContent(
  content: Extract<MessagesUserBlock, { type: 'tool_result' }>['content'],
  at: string,
): string | { type: 'text'; text: string }[] {
  if (content === undefined) return '';
  if (typeof content === 'string') return content;
  if (content.length === 0) return '';
  return content.map((part, k) => {
    if (part.type !== 'text')
      throw unsupportedField(
        `${at}.content[${k}]`,
        `a tool result can carry text only (got '${part.type}').`,
      );
    return textPart(part, `${at}.content[${k}]`);
  });
}

function assistantMessage(content: string | MessagesAssistantBlock[], path: string): ChatMessage {
  if (typeof content === 'string') return { role: 'assistant', content };
  const texts: { type: 'text'; text: string }[] = [];
  const toolCalls: ToolCallParam[] = [];
  const details: ReasoningDetail[] = [];
  let reasoning = '';
  let cacheControl: unknown;
  content.forEach((block, j) => {
    const at = `${path}.content[${j}]`;
    refuseUnknownKeys(block, BLOCK_KEYS[block.type] as ReadonlySet<string>, at);
    switch (block.type) {
      case 'text':
        texts.push(textPart(block, at));
        break;
      case 'tool_use':
        toolCalls.push({
          id: block.id,
          type: 'function',
          function: { name: block.name, arguments: JSON.stringify(block.input) },
        });
        cacheControl = block.cache_control ?? cacheControl;
        break;
      case 'thinking':
        reasoning += block.thinking;
        details.push({
          type: 'reasoning.text',
          text: block.thinking,
          signature: block.signature,
          format: ANTHROPIC_REASONING_FORMAT,
          index: details.length,
        });
        break;
      case 'redacted_thinking':
        details.push({
          type: 'reasoning.encrypted',
          data: block.data,
          format: ANTHROPIC_REASONING_FORMAT,
          index: details.length,
        });
        break;
    }
  });
  const message: ChatMessage & Json = {
    role: 'assistant',
    content: texts.length > 0 ? texts : toolCalls.length > 0 ? null : '',
  };
  if (toolCalls.length > 0) message.tool_calls = toolCalls;
  if (reasoning) message.reasoning_content = reasoning;
  // Signed thinking, replayed to Anthropic (which verifies signatures) by its adapter.
  if (details.length > 0) message.reasoning_details = details;
  return withCacheControl(message, cacheControl);
}

function chatTool(tool: MessagesTool, i: number): NonNullable<ChatCompletionRequest['tools']>[number] {
  const at = `tools[${i}]`;
  refuseUnknownKeys(tool, TOOL_KEYS, at);
  if (tool.type != null && tool.type !== 'custom')
    throw unsupportedField(
      `${at}.type`,
      `'${tool.type}' is one of Anthropic's server tools; only client tools (no type, or 'custom') can be carried.`,
    );
  const fn: NonNullable<ChatCompletionRequest['tools']>[number]['function'] = { name: tool.name };
  if (tool.description !== undefined) fn.description = tool.description;
  if (tool.input_schema !== undefined) fn.parameters = tool.input_schema;
  if (tool.strict != null) fn.strict = tool.strict;
  return withCacheControl({ type: 'function', function: fn }, tool.cache_control);
}

function toolChoice(choice: MessagesToolChoice): Partial<ChatCompletionRequest> {
  const out: Partial<ChatCompletionRequest> = {};
  switch (choice.type) {
    case 'auto':
      out.tool_choice = 'auto';
      break;
    case 'any':
      out.tool_choice = 'required';
      break;
    case 'tool':
      out.tool_choice = { type: 'function', function: { name: choice.name } };
      break;
    case 'none':
      out.tool_choice = 'none';
      return out;
  }
  if (choice.disable_parallel_tool_use) out.parallel_tool_calls = false;
  return out;
}
