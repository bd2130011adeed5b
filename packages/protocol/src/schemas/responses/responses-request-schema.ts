import { z } from 'zod';
import { MetadataSchema, REASONING_EFFORTS, SERVICE_TIERS } from '../chat-completion-request-schema.js';
import type { Closed } from '../closed.js';
import { numberBetween, positiveInt } from '../request-fields.js';
import type {
  FunctionCallItemSchema,
  FunctionCallOutputItemSchema,
  InputContentPartSchema,
  InputItemSchema,
  InputMessageItemSchema,
  ReasoningItemSchema,
} from './responses-input-schemas.js';
import { ResponseInputSchema } from './responses-input-schemas.js';
import { addResponsesCrossFieldIssues } from './responses-request-rules.js';
import {
  type FunctionToolSchema,
  ResponsesToolChoiceSchema,
  ResponsesToolSchema,
  TextConfigSchema,
  type TextFormatSchema,
} from './responses-tool-schemas.js';

/** `reasoning.summary`: how much of its reasoning the model summarises in the output. */
export const REASONING_SUMMARIES = ['auto', 'concise', 'detailed'] as const;

/**
 * The body of `POST /v1/responses` (OpenAI's Responses API), validated precisely like the chat
 * request: ranges, enums, required fields and cross-field rules, with `{param}` message templates
 * filled in by `badRequestFromZodError`. Unknown fields are kept. Prefer
 * {@link parseResponsesRequest}.
 */
export const ResponsesRequestSchema = z
  .looseObject({
    model: z.string().min(1, { error: '{param} must be a non-empty string' }).describe('Model id.'),
    input: ResponseInputSchema.describe('A user message as a string, or a list of input items.'),
    instructions: z.string().nullish().describe('A system message placed before the input.'),
    tools: z.array(ResponsesToolSchema).nullish().describe('Functions the model may call.'),
    tool_choice: ResponsesToolChoiceSchema.nullish(),
    parallel_tool_calls: z.boolean().nullish(),
    text: TextConfigSchema.nullish().describe('The output format: text, json_object or json_schema.'),
    reasoning: z
      .looseObject({
        effort: z.enum(REASONING_EFFORTS).nullish(),
        summary: z.enum(REASONING_SUMMARIES).nullish(),
        generate_summary: z.enum(REASONING_SUMMARIES).nullish(),
      })
      .nullish(),
    max_output_tokens: positiveInt().nullish().describe('Maximum visible plus reasoning tokens.'),
    temperature: numberBetween(0, 2).nullish(),
    top_p: numberBetween(0, 1).nullish(),
    metadata: MetadataSchema.nullish(),
    store: z.boolean().nullish().describe('Keep the response for retrieval and continuation (default true).'),
    previous_response_id: z.string().min(1, { error: '{param} must be a response id' }).nullish(),
    stream: z.boolean().nullish(),
    stream_options: z.looseObject({ include_obfuscation: z.boolean().optional() }).nullish(),
    user: z.string().optional(),
    safety_identifier: z.string().max(64, { error: '{param} must be at most 64 characters' }).optional(),
    prompt_cache_key: z.string().optional(),
    service_tier: z.enum(SERVICE_TIERS).nullish(),
    truncation: z.enum(['auto', 'disabled']).nullish(),
    include: z.array(z.string()).nullish(),
    background: z.boolean().nullish(),
  })
  .superRefine(addResponsesCrossFieldIssues);

/** The body of `POST /v1/responses`. Parsed values also keep unknown fields at runtime. */
export type ResponsesRequest = Closed<z.output<typeof ResponsesRequestSchema>>;
/** One item of a Responses `input` (a message, a function call or its output, reasoning). */
export type ResponseInputItem = Closed<z.output<typeof InputItemSchema>>;
export type ResponseInputMessage = Closed<z.output<typeof InputMessageItemSchema>>;
export type ResponseInputContentPart = Closed<z.output<typeof InputContentPartSchema>>;
export type ResponseFunctionCallItem = Closed<z.output<typeof FunctionCallItemSchema>>;
export type ResponseFunctionCallOutputItem = Closed<z.output<typeof FunctionCallOutputItemSchema>>;
export type ResponseReasoningItem = Closed<z.output<typeof ReasoningItemSchema>>;
/** A function tool of a Responses request. */
export type ResponsesFunctionTool = Closed<z.output<typeof FunctionToolSchema>>;
export type ResponsesToolChoice = Closed<z.output<typeof ResponsesToolChoiceSchema>>;
/** `text.format` of a Responses request. */
export type ResponsesTextFormat = Closed<z.output<typeof TextFormatSchema>>;
