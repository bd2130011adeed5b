import { z } from 'zod';
import type { Closed } from '../closed.js';
import { openEnum } from '../open-enum.js';
import { MessagesErrorSchema } from './messages-error-schema.js';
import {
  MESSAGES_STOP_REASONS,
  MessagesResponseBlockSchema,
  MessagesResponseSchema,
  MessagesUsageSchema,
} from './messages-response-schema.js';

/** The delta kinds of `content_block_delta`. */
export const MESSAGES_DELTA_TYPES = [
  'text_delta',
  'input_json_delta',
  'thinking_delta',
  'signature_delta',
  'citations_delta',
] as const;

/**
 * One event of a Messages stream (the `data:` of an SSE frame whose `event:` is the same `type`),
 * parsed leniently: `message_start`, `content_block_start`, `content_block_delta`,
 * `content_block_stop`, `message_delta`, `message_stop`, `ping` and `error`.
 */
export const MessagesStreamEventSchema = z.discriminatedUnion('type', [
  z.looseObject({ type: z.literal('message_start'), message: MessagesResponseSchema }),
  z.looseObject({
    type: z.literal('content_block_start'),
    index: z.number(),
    content_block: MessagesResponseBlockSchema,
  }),
  z.looseObject({
    type: z.literal('content_block_delta'),
    index: z.number(),
    delta: z.looseObject({
      type: openEnum(MESSAGES_DELTA_TYPES),
      text: z.string().nullish(),
      partial_json: z.string().nullish(),
      thinking: z.string().nullish(),
      signature: z.string().nullish(),
    }),
  }),
  z.looseObject({ type: z.literal('content_block_stop'), index: z.number() }),
  z.looseObject({
    type: z.literal('message_delta'),
    delta: z.looseObject({
      stop_reason: openEnum(MESSAGES_STOP_REASONS).nullish(),
      stop_sequence: z.string().nullish(),
    }),
    usage: MessagesUsageSchema.nullish(),
  }),
  z.looseObject({ type: z.literal('message_stop') }),
  z.looseObject({ type: z.literal('ping') }),
  MessagesErrorSchema,
]);

/** One event of a Messages stream. */
export type MessagesStreamEvent = Closed<z.output<typeof MessagesStreamEventSchema>>;
