import { z } from 'zod';

/**
 * The `{"error":{…}}` body, parsed leniently: upstreams leave out `type`/`param`/`code` and some
 * send a numeric `code` (OpenRouter, Gemini).
 */
export const ErrorEnvelopeSchema = z.looseObject({
  error: z.looseObject({
    message: z.string(),
    type: z.string().nullish(),
    param: z.string().nullish(),
    code: z.union([z.string(), z.number()]).nullish(),
  }),
});
