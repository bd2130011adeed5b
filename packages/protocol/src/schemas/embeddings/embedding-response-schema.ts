import { z } from 'zod';
import type { Closed } from '../closed.js';
import { openEnum } from '../open-enum.js';

/** One vector: numbers, or base64 of little-endian float32 when `encoding_format` was base64. */
export const EmbeddingSchema = z.looseObject({
  object: openEnum(['embedding']),
  index: z.number(),
  embedding: z.union([z.array(z.number()), z.string()]),
});

/** The answer of `POST /v1/embeddings`, parsed leniently. */
export const EmbeddingResponseSchema = z.looseObject({
  object: openEnum(['list']),
  data: z.array(EmbeddingSchema),
  model: z.string(),
  usage: z.looseObject({ prompt_tokens: z.number(), total_tokens: z.number() }).nullish(),
});

export type Embedding = Closed<z.output<typeof EmbeddingSchema>>;
/** The answer of `POST /v1/embeddings`. */
export type EmbeddingResponse = Closed<z.output<typeof EmbeddingResponseSchema>>;
