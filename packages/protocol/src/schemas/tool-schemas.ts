import { z } from 'zod';
import { identifierName, jsonSchemaObject } from './request-fields.js';

/** A function the model may call. */
export const ToolSchema = z.looseObject({
  type: z.literal('function'),
  function: z.looseObject({
    name: identifierName(),
    description: z.string().optional(),
    /** JSON Schema of the arguments object; absent means the function takes no arguments. */
    parameters: jsonSchemaObject().optional(),
    strict: z.boolean().nullish(),
  }),
});

const FunctionReferenceSchema = z.looseObject({
  type: z.literal('function'),
  function: z.looseObject({ name: z.string() }),
});

/** Forces a call to one named function. */
export const NamedToolChoiceSchema = FunctionReferenceSchema;

/** Restricts the model to a subset of `tools` (`mode: auto` may call one, `required` must). */
export const AllowedToolsChoiceSchema = z.looseObject({
  type: z.literal('allowed_tools'),
  allowed_tools: z.looseObject({
    mode: z.enum(['auto', 'required']),
    tools: z.array(FunctionReferenceSchema),
  }),
});

/** `tool_choice`: `none`, `auto`, `required`, a named function, or an allowed-tools subset. */
export const ToolChoiceSchema = z.union([
  z.enum(['none', 'auto', 'required']),
  z.discriminatedUnion('type', [NamedToolChoiceSchema, AllowedToolsChoiceSchema]),
]);
