import { z } from 'zod';
import type { Closed } from './closed.js';

const countSchema = z.number().nullish();

/**
 * Token usage of a completion (lenient: unknown keys such as DeepSeek's `prompt_cache_hit_tokens`
 * are kept). `cost` is the price of the request in USD when the server reports it.
 */
export const UsageSchema = z.looseObject({
  prompt_tokens: z.number(),
  completion_tokens: z.number(),
  total_tokens: z.number(),
  prompt_tokens_details: z
    .looseObject({
      cached_tokens: countSchema,
      cache_write_tokens: countSchema,
      audio_tokens: countSchema,
      text_tokens: countSchema,
      image_tokens: countSchema,
    })
    .nullish(),
  completion_tokens_details: z
    .looseObject({
      reasoning_tokens: countSchema,
      audio_tokens: countSchema,
      text_tokens: countSchema,
      accepted_prediction_tokens: countSchema,
      rejected_prediction_tokens: countSchema,
    })
    .nullish(),
  cost: z.number().nullish(),
  cost_details: z.looseObject({}).nullish(),
});

/** Token usage (and cost, in USD, when reported) of one completion. */
export type Usage = Closed<z.output<typeof UsageSchema>>;
