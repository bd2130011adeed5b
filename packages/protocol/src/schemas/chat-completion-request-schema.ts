import { z } from 'zod';
import type { Closed } from './closed.js';
import type {
  AssistantContentPartSchema,
  FilePartSchema,
  ImageUrlPartSchema,
  InputAudioPartSchema,
  RefusalPartSchema,
  TextPartSchema,
  UserContentPartSchema,
} from './content-part-schemas.js';
import {
  type AssistantMessageParamSchema,
  ChatMessageSchema,
  type DeveloperMessageSchema,
  type RequestToolCallSchema,
  type SystemMessageSchema,
  type ToolMessageSchema,
  type UserMessageSchema,
} from './message-schemas.js';
import { intBetween, numberBetween, positiveInt } from './request-fields.js';
import { addCrossFieldIssues } from './request-rules.js';
import { ResponseFormatSchema } from './response-format-schema.js';
import { ToolChoiceSchema, ToolSchema } from './tool-schemas.js';

export const REASONING_EFFORTS = ['none', 'minimal', 'low', 'medium', 'high', 'xhigh', 'max'] as const;
export const SERVICE_TIERS = ['auto', 'default', 'flex', 'scale', 'priority', 'fast'] as const;

/**
 * Token360/GLM reasoning control. `auto` means "use the model's default" (the field is omitted
 * upstream); `clear_thinking: false` keeps earlier reasoning in context.
 */
export const ThinkingSchema = z.looseObject({
  type: z.enum(['enabled', 'disabled', 'auto']),
  budget_tokens: positiveInt().optional(),
  clear_thinking: z.boolean().optional(),
});

const LogitBiasSchema = z.record(
  z.string().regex(/^\d+$/, { error: "{param} keys must be token ids such as '50256'" }),
  numberBetween(-100, 100),
);

/** `metadata`: up to 16 string pairs (keys ≤ 64, values ≤ 512 characters). */
export const MetadataSchema = z
  .record(
    z.string().max(64, { error: '{param} keys must be at most 64 characters' }),
    z.string().max(512, { error: '{param} must be at most 512 characters' }),
  )
  .refine((metadata) => Object.keys(metadata).length <= 16, { error: '{param} may have at most 16 keys' });

/**
 * The body of `POST /v1/chat/completions`, validated precisely: ranges, enums, required fields
 * and cross-field rules. Unknown top-level and nested fields are kept so a gateway can forward
 * vendor extensions. Prefer {@link parseChatCompletionRequest}, which turns failures into a
 * `BadRequestError` with the exact `param`: raw issue messages here are templates with a
 * `{param}` placeholder, filled in by `badRequestFromZodError`.
 */
export const ChatCompletionRequestSchema = z
  .looseObject({
    model: z
      .string()
      .min(1, { error: '{param} must be a non-empty string' })
      .describe('Model id, e.g. `glm-5.1`.'),
    messages: z
      .array(ChatMessageSchema)
      .min(1, { error: '{param} must contain at least one message' })
      .describe('The conversation so far.'),
    temperature: numberBetween(0, 2)
      .nullish()
      .describe('Sampling temperature, 0–2. Lower is more deterministic.'),
    top_p: numberBetween(0, 1).nullish().describe('Nucleus sampling mass, 0–1.'),
    n: intBetween(1, 128).nullish().describe('Number of choices to generate.'),
    stream: z.boolean().nullish().describe('Stream chunks as server-sent events.'),
    stream_options: z
      .looseObject({ include_usage: z.boolean().optional(), include_obfuscation: z.boolean().optional() })
      .nullish()
      .describe('Streaming options; only with stream: true. include_usage adds a final usage chunk.'),
    stop: z
      .union([
        z.string(),
        z
          .array(z.string())
          .min(1, { error: '{param} must contain 1 to 4 stop sequences' })
          .max(4, { error: '{param} must contain 1 to 4 stop sequences' }),
      ])
      .nullish(),
    max_tokens: positiveInt()
      .nullish()
      .describe('Maximum generated tokens (deprecated by OpenAI in favour of max_completion_tokens).'),
    max_completion_tokens: positiveInt().nullish().describe('Maximum visible plus reasoning tokens.'),
    presence_penalty: numberBetween(-2, 2).nullish(),
    frequency_penalty: numberBetween(-2, 2).nullish(),
    logit_bias: LogitBiasSchema.nullish().describe('Token id → bias, −100 to 100.'),
    logprobs: z.boolean().nullish(),
    top_logprobs: intBetween(0, 20).nullish().describe('Alternatives per token, 0–20; requires logprobs.'),
    seed: z.int().nullish(),
    user: z.string().optional(),
    safety_identifier: z.string().max(64, { error: '{param} must be at most 64 characters' }).optional(),
    prompt_cache_key: z.string().optional(),
    tools: z.array(ToolSchema).nullish().describe('Functions the model may call.'),
    tool_choice: ToolChoiceSchema.nullish().describe(
      'none, auto, required, a named function, or allowed_tools. Other than none/auto requires tools.',
    ),
    parallel_tool_calls: z.boolean().nullish(),
    response_format: ResponseFormatSchema.nullish().describe(
      'text, json_object, or json_schema structured output.',
    ),
    thinking: ThinkingSchema.nullish().describe(
      'Token360/GLM reasoning control; auto uses the model default.',
    ),
    reasoning_effort: z
      .enum(REASONING_EFFORTS)
      .nullish()
      .describe('Reasoning effort; support varies by model.'),
    metadata: MetadataSchema.nullish(),
    service_tier: z.enum(SERVICE_TIERS).nullish(),
    store: z.boolean().nullish(),
    modalities: z.array(z.enum(['text', 'audio'])).nullish(),
    verbosity: z.enum(['low', 'medium', 'high']).nullish(),
  })
  .superRefine(addCrossFieldIssues);

/** The body of `POST /v1/chat/completions`. Parsed values also keep unknown fields at runtime. */
export type ChatCompletionRequest = Closed<z.output<typeof ChatCompletionRequestSchema>>;
/** One message of the conversation (union on `role`). */
export type ChatMessage = Closed<z.output<typeof ChatMessageSchema>>;
export type DeveloperMessageParam = Closed<z.output<typeof DeveloperMessageSchema>>;
export type SystemMessageParam = Closed<z.output<typeof SystemMessageSchema>>;
export type UserMessageParam = Closed<z.output<typeof UserMessageSchema>>;
/** An assistant turn replayed in the conversation (content may be null when it has tool calls). */
export type AssistantMessageParam = Closed<z.output<typeof AssistantMessageParamSchema>>;
export type ToolMessageParam = Closed<z.output<typeof ToolMessageSchema>>;
/** A tool call on an assistant message of the conversation. */
export type ToolCallParam = Closed<z.output<typeof RequestToolCallSchema>>;
export type TextPart = Closed<z.output<typeof TextPartSchema>>;
export type ImageUrlPart = Closed<z.output<typeof ImageUrlPartSchema>>;
export type InputAudioPart = Closed<z.output<typeof InputAudioPartSchema>>;
export type FilePart = Closed<z.output<typeof FilePartSchema>>;
export type RefusalPart = Closed<z.output<typeof RefusalPartSchema>>;
/** A content part of a user message. */
export type UserContentPart = Closed<z.output<typeof UserContentPartSchema>>;
/** A content part of an assistant message. */
export type AssistantContentPart = Closed<z.output<typeof AssistantContentPartSchema>>;
/** A function the model may call. */
export type Tool = Closed<z.output<typeof ToolSchema>>;
/** How the model picks tools. */
export type ToolChoice = Closed<z.output<typeof ToolChoiceSchema>>;
/** The shape of the model's output. */
export type ResponseFormat = Closed<z.output<typeof ResponseFormatSchema>>;
/** Token360/GLM `thinking` control. */
export type Thinking = Closed<z.output<typeof ThinkingSchema>>;
export type ReasoningEffort = (typeof REASONING_EFFORTS)[number];
