import { rejectUnknownFields } from '@switchyard/adapter-kit';
import {
  BadRequestError,
  type ChatCompletionRequest,
  ErrorCode,
  type ReasoningEffort,
} from '@switchyard/protocol';
import type {
  AnthropicMessagesRequest,
  AnthropicTextBlock,
  AnthropicThinking,
} from './anthropic-api-types.js';
import { type StructuredOutputMode, structuredOutputMode } from './anthropic-model-capabilities.js';
import { convertToAnthropicMessages } from './convert-to-anthropic-messages.js';
import { prepareAnthropicTools } from './prepare-anthropic-tools.js';

/** Anthropic's smallest thinking budget. */
export const MIN_THINKING_BUDGET = 1024;

/** Thinking budget for each `reasoning_effort` (`none` turns thinking off). */
export const THINKING_BUDGET_FOR_EFFORT: Readonly<Record<Exclude<ReasoningEffort, 'none'>, number>> = {
  minimal: 1024,
  low: 2048,
  medium: 4096,
  high: 16_384,
  xhigh: 24_576,
  max: 32_000,
};

/**
 * Request fields accepted and dropped beyond adapter-kit's METADATA_ONLY_FIELDS, because they have
 * no Anthropic counterpart (documented in the README).
 */
const IGNORED_FIELDS = new Set(['verbosity']);

/** Request fields this converter reads. */
const MAPPED_FIELDS = new Set([
  'model',
  'messages',
  'temperature',
  'top_p',
  'top_k',
  'n',
  'stop',
  'max_tokens',
  'max_completion_tokens',
  'presence_penalty',
  'frequency_penalty',
  'logit_bias',
  'logprobs',
  'top_logprobs',
  'seed',
  'user',
  'safety_identifier',
  'tools',
  'tool_choice',
  'parallel_tool_calls',
  'response_format',
  'thinking',
  'reasoning_effort',
  'modalities',
]);

export interface AnthropicRequestOptions {
  /** `max_tokens` when the request sets neither `max_tokens` nor `max_completion_tokens`. */
  defaultMaxTokens: number;
  /** Thinking budget when thinking is on and neither a budget nor an effort is given. */
  defaultThinkingBudget: number;
  structuredOutputs: 'auto' | StructuredOutputMode;
}

/** A Messages request body plus what the response converter must know about it. */
export interface ConvertedAnthropicRequest {
  body: AnthropicMessagesRequest;
  /** True when a `json` tool call carries the `response_format` answer. */
  jsonTool: boolean;
}

/**
 * Translates a validated chat-completions request into an Anthropic Messages request. Parameters
 * Anthropic cannot honour (`n > 1`, `logprobs`, `logit_bias`, `seed`, penalties, audio output,
 * unknown fields) fail with a 400 naming the field rather than being dropped.
 */
export function convertToAnthropicRequest(
  request: ChatCompletionRequest,
  options: AnthropicRequestOptions,
): ConvertedAnthropicRequest {
  rejectUnsupported(request);
  const thinking = resolveThinking(request, options.defaultThinkingBudget);
  const thinkingOn = thinking?.type === 'enabled';
  const prompt = convertToAnthropicMessages(request.messages);
  const tools = prepareAnthropicTools(request, {
    thinking: thinkingOn,
    structuredOutputs: structuredOutputMode(options.structuredOutputs, request.model),
  });

  const visibleTokens = request.max_completion_tokens ?? request.max_tokens ?? options.defaultMaxTokens;
  const body: AnthropicMessagesRequest = {
    model: request.model,
    // Anthropic counts the thinking budget inside max_tokens; the caller's limit is for the answer.
    max_tokens: thinkingOn ? visibleTokens + thinking.budget_tokens : visibleTokens,
    messages: prompt.messages,
  };
  const system = tools.systemInstruction
    ? [...prompt.system, { type: 'text' as const, text: tools.systemInstruction }]
    : prompt.system;
  if (system.length > 0) body.system = compactSystem(system);
  if (thinking) body.thinking = thinking;
  // Anthropic requires the default sampling with thinking on; without it, temperature is 0–1.
  if (!thinkingOn) {
    if (request.temperature != null) body.temperature = Math.min(request.temperature, 1);
    // Recent Claude models reject temperature and top_p together; top_p 1 is the default anyway.
    if (request.top_p != null && !(request.top_p === 1 && request.temperature != null))
      body.top_p = request.top_p;
    const topK = (request as { top_k?: unknown }).top_k;
    if (topK != null) body.top_k = topK as number;
  }
  if (request.stop != null)
    body.stop_sequences = typeof request.stop === 'string' ? [request.stop] : request.stop;
  if (tools.tools) body.tools = tools.tools;
  if (tools.tool_choice) body.tool_choice = tools.tool_choice;
  if (tools.output_config) body.output_config = tools.output_config;
  const userId = request.user ?? request.safety_identifier;
  if (userId) body.metadata = { user_id: userId };
  return { body, jsonTool: tools.jsonTool };
}

function resolveThinking(
  request: ChatCompletionRequest,
  defaultBudget: number,
): AnthropicThinking | undefined {
  const effort = request.reasoning_effort;
  const type = request.thinking?.type;
  const enabled =
    type === 'enabled' || type === 'disabled'
      ? type === 'enabled'
      : effort == null
        ? undefined
        : effort !== 'none';
  if (enabled === undefined) return undefined;
  if (!enabled) return { type: 'disabled' };
  const budget =
    request.thinking?.budget_tokens ??
    (effort && effort !== 'none' ? THINKING_BUDGET_FOR_EFFORT[effort] : defaultBudget);
  if (budget < MIN_THINKING_BUDGET) {
    throw new BadRequestError({
      message: `thinking.budget_tokens must be at least ${MIN_THINKING_BUDGET} for Anthropic models (got ${budget}).`,
      code: ErrorCode.invalidRequest,
      param: 'thinking.budget_tokens',
    });
  }
  return { type: 'enabled', budget_tokens: budget };
}

function rejectUnsupported(request: ChatCompletionRequest): void {
  const reject = (param: string, message: string): never => {
    throw new BadRequestError({ message, code: ErrorCode.unsupportedParameter, param });
  };
  if (request.n != null && request.n > 1) reject('n', 'Anthropic models return one choice: n must be 1.');
  if (request.logprobs === true) reject('logprobs', 'Anthropic models do not return log probabilities.');
  if (request.top_logprobs != null)
    reject('top_logprobs', 'Anthropic models do not return log probabilities.');
  if (request.logit_bias != null && Object.keys(request.logit_bias).length > 0) {
    reject('logit_bias', 'Anthropic models do not support logit_bias.');
  }
  if (request.seed != null) reject('seed', 'Anthropic models do not support seed.');
  if (request.presence_penalty)
    reject('presence_penalty', 'Anthropic models do not support presence_penalty.');
  if (request.frequency_penalty)
    reject('frequency_penalty', 'Anthropic models do not support frequency_penalty.');
  if (request.modalities?.includes('audio')) reject('modalities', 'Anthropic models produce text only.');
  const topK = (request as { top_k?: unknown }).top_k;
  if (topK != null && !(Number.isInteger(topK) && (topK as number) >= 0)) {
    throw new BadRequestError({
      message: 'top_k must be a non-negative integer.',
      code: ErrorCode.invalidRequest,
      param: 'top_k',
    });
  }
  rejectUnknownFields(request, { adapterName: 'Anthropic', mapped: MAPPED_FIELDS, ignored: IGNORED_FIELDS });
}

/** A single plain block is sent as a string, the most widely accepted form. */
function compactSystem(blocks: AnthropicTextBlock[]): string | AnthropicTextBlock[] {
  const only = blocks[0];
  if (blocks.length === 1 && only && !('cache_control' in only)) return only.text;
  return blocks;
}
