import { z } from 'zod';
import type { Closed } from '../closed.js';
import { positiveInt } from '../request-fields.js';

/** Most inputs one embeddings request may carry (OpenAI's limit). */
export const MAX_EMBEDDING_INPUTS = 2048;

const TOO_MANY = `{param} may contain at most ${MAX_EMBEDDING_INPUTS} inputs`;
const tokenIds = z.array(z.int().min(0, { error: '{param} must be a token id (a non-negative integer)' }));

/**
 * The body of `POST /v1/embeddings`: `input` is a string, an array of strings, an array of token
 * ids, or an array of token-id arrays; none may be empty. Unknown fields are kept.
 */
export const EmbeddingRequestSchema = z.looseObject({
  model: z.string().min(1, { error: '{param} must be a non-empty string' }),
  input: z.union([
    z.string().min(1, { error: '{param} must not be empty' }),
    z
      .array(z.string().min(1, { error: '{param} must not be empty' }))
      .min(1, { error: '{param} must contain at least one input' })
      .max(MAX_EMBEDDING_INPUTS, { error: TOO_MANY }),
    tokenIds.min(1, { error: '{param} must contain at least one token' }),
    z
      .array(tokenIds.min(1, { error: '{param} must contain at least one token' }))
      .min(1, { error: '{param} must contain at least one input' })
      .max(MAX_EMBEDDING_INPUTS, { error: TOO_MANY }),
  ]),
  dimensions: positiveInt().nullish().describe('Length of each vector, for models that can shorten them.'),
  encoding_format: z
    .enum(['float', 'base64'])
    .nullish()
    .describe('float (an array of numbers, the default) or base64 (little-endian float32).'),
  user: z.string().optional(),
});

/** The body of `POST /v1/embeddings`. */
export type EmbeddingRequest = Closed<z.output<typeof EmbeddingRequestSchema>>;
