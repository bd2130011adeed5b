import { z } from 'zod';
import { describeValue } from '../request-fields.js';

/** `cache_control` on a block, a tool or the system prompt: Anthropic's prompt-caching marker. */
export const MessagesCacheControlSchema = z.looseObject({
  type: z.literal('ephemeral'),
  ttl: z.enum(['5m', '1h']).optional(),
});

const cache_control = MessagesCacheControlSchema.nullish();

export const MessagesTextBlockSchema = z.looseObject({
  type: z.literal('text'),
  text: z.string(),
  cache_control,
  citations: z.array(z.looseObject({ type: z.string() })).nullish(),
});

const Base64ImageSourceSchema = z.looseObject({
  type: z.literal('base64'),
  media_type: z.enum(['image/jpeg', 'image/png', 'image/gif', 'image/webp']),
  data: z.string().min(1, { error: '{param} must be base64 image data' }),
});

const UrlSourceSchema = z.looseObject({
  type: z.literal('url'),
  url: z.string().min(1, { error: '{param} must be an http(s) URL' }),
});

export const MessagesImageBlockSchema = z.looseObject({
  type: z.literal('image'),
  source: z.discriminatedUnion('type', [Base64ImageSourceSchema, UrlSourceSchema]),
  cache_control,
});

export const MessagesDocumentBlockSchema = z.looseObject({
  type: z.literal('document'),
  source: z.discriminatedUnion('type', [
    z.looseObject({
      type: z.literal('base64'),
      media_type: z.literal('application/pdf'),
      data: z.string().min(1, { error: '{param} must be base64 PDF data' }),
    }),
    z.looseObject({ type: z.literal('text'), media_type: z.literal('text/plain'), data: z.string() }),
    UrlSourceSchema,
    z.looseObject({
      type: z.literal('content'),
      content: z.union([z.string(), z.array(z.looseObject({ type: z.string() }))]),
    }),
  ]),
  title: z.string().nullish(),
  context: z.string().nullish(),
  citations: z.looseObject({ enabled: z.boolean().optional() }).nullish(),
  cache_control,
});

export const MessagesToolUseBlockSchema = z.looseObject({
  type: z.literal('tool_use'),
  id: z.string().min(1, { error: '{param} must be the id of the tool call' }),
  name: z.string().min(1, { error: '{param} must be the name of a tool' }),
  input: z.record(z.string(), z.unknown(), {
    error: (issue) =>
      issue.input === undefined
        ? '{param} is required: the arguments object of the call'
        : `{param} must be an object of arguments (got ${describeValue(issue.input)})`,
  }),
  cache_control,
});

export const MessagesToolResultBlockSchema = z.looseObject({
  type: z.literal('tool_result'),
  tool_use_id: z.string().min(1, { error: '{param} must name the tool_use block it answers' }),
  content: z
    .union([
      z.string(),
      z.array(
        z.discriminatedUnion('type', [
          MessagesTextBlockSchema,
          MessagesImageBlockSchema,
          MessagesDocumentBlockSchema,
        ]),
      ),
    ])
    .optional(),
  is_error: z.boolean().nullish(),
  cache_control,
});

export const MessagesThinkingBlockSchema = z.looseObject({
  type: z.literal('thinking'),
  thinking: z.string(),
  signature: z.string(),
});

export const MessagesRedactedThinkingBlockSchema = z.looseObject({
  type: z.literal('redacted_thinking'),
  data: z.string(),
});

/** A content block a `user` turn may hold. */
export const MessagesUserBlockSchema = z.discriminatedUnion('type', [
  MessagesTextBlockSchema,
  MessagesImageBlockSchema,
  MessagesDocumentBlockSchema,
  MessagesToolResultBlockSchema,
]);

/** A content block an `assistant` turn may hold (replayed from an earlier answer). */
export const MessagesAssistantBlockSchema = z.discriminatedUnion('type', [
  MessagesTextBlockSchema,
  MessagesToolUseBlockSchema,
  MessagesThinkingBlockSchema,
  MessagesRedactedThinkingBlockSchema,
]);

const NO_BLOCKS = '{param} must contain at least one content block';

export const MessagesUserMessageSchema = z.looseObject({
  role: z.literal('user'),
  content: z.union([z.string(), z.array(MessagesUserBlockSchema).min(1, { error: NO_BLOCKS })]),
});

export const MessagesAssistantMessageSchema = z.looseObject({
  role: z.literal('assistant'),
  content: z.union([z.string(), z.array(MessagesAssistantBlockSchema).min(1, { error: NO_BLOCKS })]),
});

/** One turn of the conversation; `role` is `user` or `assistant` (the system prompt is apart). */
export const MessagesMessageSchema = z.discriminatedUnion('role', [
  MessagesUserMessageSchema,
  MessagesAssistantMessageSchema,
]);
