import { z } from 'zod';
import { FinishReasonSchema, LogprobsSchema } from './chat-completion-schema.js';
import type { Closed } from './closed.js';
import { openEnum } from './open-enum.js';
import { UsageSchema } from './usage-schema.js';

/**
 * One fragment of a streamed tool call. Only the first fragment for an `index` usually carries
 * `id`, `type` and `function.name`; later ones carry `function.arguments` to append. `index` is
 * nullish because Gemini's OpenAI-compatible layer leaves it out.
 */
export const ToolCallDeltaSchema = z.looseObject({
  index: z.number().nullish(),
  id: z.string().nullish(),
  type: openEnum(['function']).nullish(),
  function: z.looseObject({ name: z.string().nullish(), arguments: z.string().nullish() }).nullish(),
});

export const ChunkDeltaSchema = z.looseObject({
  role: openEnum(['assistant']).nullish(),
  content: z.string().nullish(),
  reasoning_content: z.string().nullish(),
  reasoning: z.string().nullish(),
  refusal: z.string().nullish(),
  tool_calls: z.array(ToolCallDeltaSchema).nullish(),
  function_call: z.looseObject({ name: z.string().nullish(), arguments: z.string().nullish() }).nullish(),
});

export const ChunkChoiceSchema = z.looseObject({
  index: z.number(),
  delta: ChunkDeltaSchema,
  logprobs: LogprobsSchema.nullish(),
  finish_reason: FinishReasonSchema.nullish(),
});

/**
 * One `data:` payload of a chat-completion stream, parsed leniently. `choices` may be empty (the
 * usage chunk, Azure's prompt-filter preamble); `usage` may appear on any chunk.
 */
export const ChatCompletionChunkSchema = z.looseObject({
  id: z.string(),
  object: openEnum(['chat.completion.chunk']),
  created: z.number(),
  model: z.string(),
  choices: z.array(ChunkChoiceSchema),
  usage: UsageSchema.nullish(),
  system_fingerprint: z.string().nullish(),
  service_tier: z.string().nullish(),
});

/** A streamed tool-call fragment. */
export type ToolCallDelta = Closed<z.output<typeof ToolCallDeltaSchema>>;
/** What one chunk adds to a choice. */
export type ChunkDelta = Closed<z.output<typeof ChunkDeltaSchema>>;
/** One choice of a stream chunk. */
export type ChunkChoice = Closed<z.output<typeof ChunkChoiceSchema>>;
/** One stream chunk (`object: "chat.completion.chunk"`). */
export type ChatCompletionChunk = Closed<z.output<typeof ChatCompletionChunkSchema>>;
