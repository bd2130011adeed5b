import { z } from 'zod';
import type { Closed } from './closed.js';
import { openEnum } from './open-enum.js';

/** One entry of `GET /v1/models` (lenient: providers add fields). */
export const ModelSchema = z.looseObject({
  id: z.string(),
  object: openEnum(['model']),
  created: z.number().nullish(),
  owned_by: z.string().nullish(),
});

/** The body of `GET /v1/models`. */
export const ModelListSchema = z.looseObject({
  object: openEnum(['list']),
  data: z.array(ModelSchema),
});

/** A model as listed by `GET /v1/models`. */
export type Model = Closed<z.output<typeof ModelSchema>>;
/** The body of `GET /v1/models`. */
export type ModelList = Closed<z.output<typeof ModelListSchema>>;
