import { z } from 'zod';
import type { Closed } from '../closed.js';
import { openEnum } from '../open-enum.js';

const count = z.number().nullish();

/**
 * Token usage of a Messages answer. Unlike chat's `prompt_tokens`, `input_tokens` leaves out the
 * tokens read from and written to the prompt cache, which are counted apart.
 */
export const MessagesUsageSchema = z.looseObject({
  input_tokens: count,
  output_tokens: count,
  cache_creation_input_tokens: count,
  cache_read_input_tokens: count,
});

/** Why a Messages answer ended; any other string from an upstream is kept. */
export const MESSAGES_STOP_REASONS = [
  'end_turn',
  'max_tokens',
  'stop_sequence',
  'tool_use',
  'pause_turn',
  'refusal',
  'model_context_window_exceeded',
] as const;

/**
 * A content block of an answer, parsed leniently: `type` decides which fields are present
 * (`text`; `thinking` + `signature`; `data`; `id` + `name` + `input`), unknown types pass.
 */
export const MessagesResponseBlockSchema = z.looseObject({
  type: z.string(),
  text: z.string().nullish(),
  thinking: z.string().nullish(),
  signature: z.string().nullish(),
  data: z.string().nullish(),
  id: z.string().nullish(),
  name: z.string().nullish(),
  input: z.unknown().optional(),
});

/** A Messages answer (`type: "message"`), parsed leniently. */
export const MessagesResponseSchema = z.looseObject({
  id: z.string(),
  type: openEnum(['message']),
  role: openEnum(['assistant']),
  model: z.string(),
  content: z.array(MessagesResponseBlockSchema),
  stop_reason: openEnum(MESSAGES_STOP_REASONS).nullish(),
  stop_sequence: z.string().nullish(),
  usage: MessagesUsageSchema.nullish(),
});

/** The answer of `POST /v1/messages/count_tokens`. */
export const MessagesCountTokensResponseSchema = z.looseObject({ input_tokens: z.number() });

/** Token usage of a Messages answer. */
export type MessagesUsage = Closed<z.output<typeof MessagesUsageSchema>>;
/** Why a Messages answer ended. */
export type MessagesStopReason = (typeof MESSAGES_STOP_REASONS)[number];
/** A content block of a Messages answer. */
export type MessagesResponseBlock = Closed<z.output<typeof MessagesResponseBlockSchema>>;
/** A Messages answer. */
export type MessagesResponse = Closed<z.output<typeof MessagesResponseSchema>>;
