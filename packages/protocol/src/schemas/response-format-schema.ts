import { z } from 'zod';
import { identifierName, jsonSchemaObject } from './request-fields.js';

/** `response_format`: free text, JSON mode, or output constrained to a JSON Schema. */
export const ResponseFormatSchema = z.discriminatedUnion('type', [
  z.looseObject({ type: z.literal('text') }),
  z.looseObject({ type: z.literal('json_object') }),
  z.looseObject({
    type: z.literal('json_schema'),
    json_schema: z.looseObject({
      name: identifierName(),
      description: z.string().optional(),
      schema: jsonSchemaObject().optional(),
      strict: z.boolean().nullish(),
    }),
  }),
]);
