import { z } from 'zod';
import type { Closed } from '../closed.js';
import {
  OutputItemSchema,
  OutputRefusalSchema,
  OutputTextSchema,
  ResponseObjectSchema,
  SummaryTextSchema,
} from './response-object-schema.js';

// The server-sent events of a streamed response: every event carries its `type` (also the SSE
// `event:` name) and a `sequence_number` counting from 0. Parsed leniently.

const sequence = { sequence_number: z.number() };
const item = { ...sequence, item_id: z.string(), output_index: z.number() };
const part = { ...item, content_index: z.number() };
const summary = { ...item, summary_index: z.number() };

const lifecycle = (type: string) =>
  z.looseObject({ type: z.literal(type), ...sequence, response: ResponseObjectSchema });

export const ResponseStreamEventSchema = z.union([
  z.discriminatedUnion('type', [
    lifecycle('response.created'),
    lifecycle('response.in_progress'),
    lifecycle('response.completed'),
    lifecycle('response.incomplete'),
    lifecycle('response.failed'),
    z.looseObject({
      type: z.literal('response.output_item.added'),
      ...sequence,
      output_index: z.number(),
      item: OutputItemSchema,
    }),
    z.looseObject({
      type: z.literal('response.output_item.done'),
      ...sequence,
      output_index: z.number(),
      item: OutputItemSchema,
    }),
    z.looseObject({
      type: z.literal('response.content_part.added'),
      ...part,
      part: z.union([OutputTextSchema, OutputRefusalSchema]),
    }),
    z.looseObject({
      type: z.literal('response.content_part.done'),
      ...part,
      part: z.union([OutputTextSchema, OutputRefusalSchema]),
    }),
    z.looseObject({ type: z.literal('response.output_text.delta'), ...part, delta: z.string() }),
    z.looseObject({ type: z.literal('response.output_text.done'), ...part, text: z.string() }),
    z.looseObject({ type: z.literal('response.refusal.delta'), ...part, delta: z.string() }),
    z.looseObject({ type: z.literal('response.refusal.done'), ...part, refusal: z.string() }),
    z.looseObject({ type: z.literal('response.function_call_arguments.delta'), ...item, delta: z.string() }),
    z.looseObject({
      type: z.literal('response.function_call_arguments.done'),
      ...item,
      arguments: z.string(),
      name: z.string().nullish(),
    }),
    z.looseObject({
      type: z.literal('response.reasoning_summary_part.added'),
      ...summary,
      part: SummaryTextSchema,
    }),
    z.looseObject({
      type: z.literal('response.reasoning_summary_part.done'),
      ...summary,
      part: SummaryTextSchema,
    }),
    z.looseObject({
      type: z.literal('response.reasoning_summary_text.delta'),
      ...summary,
      delta: z.string(),
    }),
    z.looseObject({ type: z.literal('response.reasoning_summary_text.done'), ...summary, text: z.string() }),
    z.looseObject({
      type: z.literal('error'),
      ...sequence,
      code: z.string().nullish(),
      message: z.string(),
      param: z.string().nullish(),
    }),
  ]),
  z.looseObject({ type: z.string(), ...sequence }),
]);

/** One event of a streamed response. */
export type ResponseStreamEvent = Closed<z.output<typeof ResponseStreamEventSchema>>;
