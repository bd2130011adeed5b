import { z } from 'zod';
import type { Closed } from '../closed.js';
import {
  describeValue,
  intBetween,
  jsonSchemaObject,
  numberBetween,
  positiveInt,
} from '../request-fields.js';
import {
  type MessagesAssistantBlockSchema,
  MessagesCacheControlSchema,
  type MessagesDocumentBlockSchema,
  type MessagesImageBlockSchema,
  MessagesMessageSchema,
  type MessagesRedactedThinkingBlockSchema,
  MessagesTextBlockSchema,
  type MessagesThinkingBlockSchema,
  type MessagesToolResultBlockSchema,
  type MessagesToolUseBlockSchema,
  type MessagesUserBlockSchema,
} from './messages-content-block-schemas.js';

/**
 * A client tool. `type` is absent or `custom`; Anthropic's server tools (`web_search_…`,
 * `bash_…`) have other types and are told apart by the server that decodes the request.
 */
export const MessagesToolSchema = z.looseObject({
  type: z.string().nullish(),
  name: z.string().regex(/^[a-zA-Z0-9_-]{1,128}$/, {
    error: (issue) =>
      `{param} must be 1 to 128 characters of a-z, A-Z, 0-9, '_' or '-' (got ${describeValue(issue.input)})`,
  }),
  description: z.string().optional(),
  input_schema: jsonSchemaObject().optional(),
  cache_control: MessagesCacheControlSchema.nullish(),
  strict: z.boolean().nullish(),
});

const disable_parallel_tool_use = z.boolean().optional();

/** `tool_choice`: `auto`, `any` (some tool), `tool` (a named one) or `none`. */
export const MessagesToolChoiceSchema = z.discriminatedUnion('type', [
  z.looseObject({ type: z.literal('auto'), disable_parallel_tool_use }),
  z.looseObject({ type: z.literal('any'), disable_parallel_tool_use }),
  z.looseObject({ type: z.literal('tool'), name: z.string().min(1), disable_parallel_tool_use }),
  z.looseObject({ type: z.literal('none') }),
]);

/** Extended thinking: `enabled` with a budget (at least 1024 tokens), `disabled`, or `adaptive`. */
export const MessagesThinkingSchema = z.discriminatedUnion('type', [
  z.looseObject({
    type: z.literal('enabled'),
    budget_tokens: z.int({ error: '{param} must be an integer of at least 1024' }).min(1024, {
      error: (issue) => `{param} must be at least 1024 (got ${describeValue(issue.input)})`,
    }),
  }),
  z.looseObject({ type: z.literal('disabled') }),
  z.looseObject({ type: z.literal('adaptive') }),
]);

/**
 * The body of Anthropic's `POST /v1/messages`, validated precisely (required fields, ranges,
 * block shapes per role). Unknown fields are kept at runtime; a server decides which it can
 * serve. Prefer {@link parseMessagesRequest}, which reports the exact field path.
 */
export const MessagesRequestSchema = z.looseObject({
  model: z.string().min(1, { error: '{param} must be a non-empty string' }),
  max_tokens: positiveInt(),
  messages: z.array(MessagesMessageSchema).min(1, { error: '{param} must contain at least one message' }),
  system: z
    .union([z.string(), z.array(MessagesTextBlockSchema)])
    .optional()
    .describe('The system prompt: a string or text blocks (which may carry cache_control).'),
  metadata: z.looseObject({ user_id: z.string().max(256).nullish() }).optional(),
  stop_sequences: z.array(z.string()).optional(),
  stream: z.boolean().optional(),
  temperature: numberBetween(0, 1).optional(),
  top_p: numberBetween(0, 1).optional(),
  top_k: intBetween(0, 1_000_000).optional(),
  tools: z.array(MessagesToolSchema).optional(),
  tool_choice: MessagesToolChoiceSchema.optional(),
  thinking: MessagesThinkingSchema.optional(),
  service_tier: z.enum(['auto', 'standard_only']).optional(),
});

/** The counting request of `POST /v1/messages/count_tokens`: a Messages request without `max_tokens`. */
export const MessagesCountTokensRequestSchema = MessagesRequestSchema.omit({
  max_tokens: true,
  stream: true,
  stop_sequences: true,
  temperature: true,
  top_p: true,
  top_k: true,
  metadata: true,
  service_tier: true,
});

/** The body of `POST /v1/messages` (unknown fields are kept at runtime). */
export type MessagesRequest = Closed<z.output<typeof MessagesRequestSchema>>;
/** The body of `POST /v1/messages/count_tokens`. */
export type MessagesCountTokensRequest = Closed<z.output<typeof MessagesCountTokensRequestSchema>>;
/** One turn of a Messages conversation. */
export type MessagesMessage = Closed<z.output<typeof MessagesMessageSchema>>;
/** A content block of a user turn. */
export type MessagesUserBlock = Closed<z.output<typeof MessagesUserBlockSchema>>;
/** A content block of an assistant turn. */
export type MessagesAssistantBlock = Closed<z.output<typeof MessagesAssistantBlockSchema>>;
export type MessagesTextBlock = Closed<z.output<typeof MessagesTextBlockSchema>>;
export type MessagesImageBlock = Closed<z.output<typeof MessagesImageBlockSchema>>;
export type MessagesDocumentBlock = Closed<z.output<typeof MessagesDocumentBlockSchema>>;
export type MessagesToolUseBlock = Closed<z.output<typeof MessagesToolUseBlockSchema>>;
export type MessagesToolResultBlock = Closed<z.output<typeof MessagesToolResultBlockSchema>>;
export type MessagesThinkingBlock = Closed<z.output<typeof MessagesThinkingBlockSchema>>;
export type MessagesRedactedThinkingBlock = Closed<z.output<typeof MessagesRedactedThinkingBlockSchema>>;
/** A tool of a Messages request. */
export type MessagesTool = Closed<z.output<typeof MessagesToolSchema>>;
export type MessagesToolChoice = Closed<z.output<typeof MessagesToolChoiceSchema>>;
export type MessagesThinking = Closed<z.output<typeof MessagesThinkingSchema>>;
export type MessagesCacheControl = Closed<z.output<typeof MessagesCacheControlSchema>>;
