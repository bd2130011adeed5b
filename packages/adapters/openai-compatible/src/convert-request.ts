import { BadRequestError, type ChatCompletionRequest } from '@switchyard/protocol';
import type { ResolvedQuirks } from './openai-compatible-quirks.js';
import { acceptsSamplingWithoutReasoning, isOpenAIReasoningModel } from './openai-reasoning-models.js';

type Body = Record<string, unknown>;

export interface ConvertRequestOptions {
  stream: boolean;
  quirks: ResolvedQuirks;
  /** Where rewrites that change what the user sent are reported. */
  warn(message: string, fields: Record<string, unknown>): void;
}

const REASONING_MODEL_DROPS = ['temperature', 'top_p', 'presence_penalty', 'frequency_penalty', 'logit_bias'];

/**
 * Builds the upstream JSON body from a validated request. Every field the user sent is forwarded
 * as is (unknown ones included) except the ones a quirk rewrites; streams always ask for usage
 * (`stream_options.include_usage: true`) so the gateway can meter them.
 */
export function toUpstreamBody(request: ChatCompletionRequest, options: ConvertRequestOptions): Body {
  const body: Body = { ...(request as unknown as Body) };
  if (options.stream) {
    const streamOptions = isRecord(body.stream_options) ? body.stream_options : {};
    body.stream = true;
    body.stream_options = { ...streamOptions, include_usage: true };
  } else {
    // OpenAI rejects stream_options without stream; `stream: true` would ask for SSE.
    delete body.stream_options;
    if (body.stream === true) delete body.stream;
  }
  convertThinking(body, options.quirks);
  if (options.quirks.openaiReasoningModels && typeof body.model === 'string') {
    rewriteForReasoningModel(body, body.model, options.warn);
  }
  if (options.quirks.reasoningHistory === 'drop' && Array.isArray(body.messages)) {
    body.messages = body.messages.map((message) => {
      if (!isRecord(message) || !('reasoning_content' in message)) return message;
      const { reasoning_content: _dropped, ...rest } = message;
      return rest;
    });
  }
  return body;
}

function convertThinking(body: Body, quirks: ResolvedQuirks): void {
  const thinking = body.thinking;
  if (thinking === undefined || thinking === null) return;
  const type = isRecord(thinking) ? thinking.type : undefined;
  if (type === 'auto') {
    // `auto` lets the model decide: sent as is where the upstream documents it (Token360); elsewhere,
    // leaving the field out asks for the model's default, the nearest thing an upstream without it has.
    if (quirks.thinkingAuto === 'omit') delete body.thinking;
    return;
  }
  switch (quirks.thinking) {
    case 'forward':
      return;
    case 'unsupported':
      throw new BadRequestError({
        message:
          'This upstream has no `thinking` control: leave `thinking` out (or send `{"type":"auto"}`), ' +
          'or use `reasoning_effort` where the model supports it.',
        code: 'unsupported_parameter',
        param: 'thinking',
      });
    case 'openrouter': {
      delete body.thinking;
      if (body.reasoning !== undefined) return; // the user's own OpenRouter control wins
      const budget = isRecord(thinking) ? thinking.budget_tokens : undefined;
      body.reasoning =
        type === 'disabled'
          ? { enabled: false }
          : { enabled: true, ...(typeof budget === 'number' ? { max_tokens: budget } : {}) };
      return;
    }
    case 'chat-template-kwargs': {
      delete body.thinking;
      const kwargs = isRecord(body.chat_template_kwargs) ? body.chat_template_kwargs : {};
      if ('enable_thinking' in kwargs) return;
      body.chat_template_kwargs = { ...kwargs, enable_thinking: type !== 'disabled' };
      return;
    }
  }
}

function rewriteForReasoningModel(body: Body, model: string, warn: ConvertRequestOptions['warn']): void {
  if (!isOpenAIReasoningModel(model)) return;
  if (body.max_tokens !== undefined && body.max_tokens !== null) {
    if (body.max_completion_tokens === undefined || body.max_completion_tokens === null) {
      body.max_completion_tokens = body.max_tokens;
    }
    delete body.max_tokens;
  }
  if (acceptsSamplingWithoutReasoning(model) && body.reasoning_effort === 'none') return;
  const dropped = REASONING_MODEL_DROPS.filter((field) => body[field] !== undefined);
  if (dropped.length === 0) return;
  for (const field of dropped) delete body[field];
  warn('Left out parameters that OpenAI reasoning models reject.', { model, dropped });
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
