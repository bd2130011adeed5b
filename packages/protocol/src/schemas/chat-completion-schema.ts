import { z } from 'zod';
import type { Closed } from './closed.js';
import { openEnum } from './open-enum.js';
import { UsageSchema } from './usage-schema.js';

/** The finish reasons of the protocol; upstreams may send others (GLM `sensitive`, OpenRouter `error`). */
export const FINISH_REASONS = ['stop', 'length', 'tool_calls', 'content_filter', 'function_call'] as const;

/** Why a choice ended. Known values are listed; any other string from an upstream is kept as is. */
export type FinishReason = (typeof FINISH_REASONS)[number];

export const FinishReasonSchema = openEnum(FINISH_REASONS);

/**
 * A function call made by the model. `arguments` is a JSON string, not an object. A missing
 * `type` (some OpenAI-compatible servers leave it out) reads as `function`.
 */
export const ToolCallSchema = z.looseObject({
  id: z.string(),
  type: z.literal('function').default('function'),
  function: z.looseObject({ name: z.string(), arguments: z.string() }),
});

export const LogprobsSchema = z.looseObject({
  content: z.array(z.looseObject({ token: z.string(), logprob: z.number() })).nullish(),
  refusal: z.array(z.looseObject({ token: z.string(), logprob: z.number() })).nullish(),
});

export const AssistantMessageSchema = z.looseObject({
  role: z.literal('assistant'),
  content: z.string().nullish(),
  /** Reasoning text (Token360, GLM, DeepSeek). */
  reasoning_content: z.string().nullish(),
  /** Reasoning text under the name OpenRouter and some gpt-oss hosts use. */
  reasoning: z.string().nullish(),
  refusal: z.string().nullish(),
  tool_calls: z.array(ToolCallSchema).nullish(),
  annotations: z.array(z.looseObject({ type: z.string() })).nullish(),
  audio: z.looseObject({ id: z.string() }).nullish(),
  function_call: z.looseObject({ name: z.string(), arguments: z.string() }).nullish(),
});

export const ChatCompletionChoiceSchema = z.looseObject({
  index: z.number(),
  message: AssistantMessageSchema,
  logprobs: LogprobsSchema.nullish(),
  finish_reason: FinishReasonSchema,
});

/**
 * A non-stream chat completion, parsed leniently: unknown fields are kept, fields providers drop
 * are nullish, unknown finish reasons pass.
 */
export const ChatCompletionSchema = z.looseObject({
  id: z.string(),
  object: openEnum(['chat.completion']),
  created: z.number(),
  model: z.string(),
  choices: z.array(ChatCompletionChoiceSchema),
  usage: UsageSchema.nullish(),
  system_fingerprint: z.string().nullish(),
  service_tier: z.string().nullish(),
});

/** A function call in an assistant message. */
export type ToolCall = Closed<z.output<typeof ToolCallSchema>>;
/** Token log probabilities of a choice. */
export type Logprobs = Closed<z.output<typeof LogprobsSchema>>;
/** The assistant message of a response choice. */
export type AssistantMessage = Closed<z.output<typeof AssistantMessageSchema>>;
/** One choice of a non-stream completion. */
export type ChatCompletionChoice = Closed<z.output<typeof ChatCompletionChoiceSchema>>;
/** A non-stream chat completion (`object: "chat.completion"`). */
export type ChatCompletion = Closed<z.output<typeof ChatCompletionSchema>>;
