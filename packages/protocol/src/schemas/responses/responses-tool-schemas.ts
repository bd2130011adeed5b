import { z } from 'zod';
import { describeValue, identifierName, jsonSchemaObject } from '../request-fields.js';

/** A function the model may call (the Responses shape: `name` at the top, no `function` wrapper). */
export const FunctionToolSchema = z.looseObject({
  type: z.literal('function', {
    error: (issue) =>
      issue.input === undefined
        ? '{param} is required: only function tools are supported'
        : `{param} ${describeValue(issue.input)} is not supported: this gateway runs function tools only (OpenAI's hosted tools run inside OpenAI)`,
  }),
  name: identifierName(),
  description: z.string().nullish(),
  /** JSON Schema of the arguments object; absent or null means the function takes no arguments. */
  parameters: jsonSchemaObject().nullish(),
  strict: z.boolean().nullish(),
});

/**
 * `tools`: function tools only. OpenAI's hosted tools (`web_search`, `file_search`, `computer_use`…)
 * run inside OpenAI and are refused here with the tool's path.
 */
export const ResponsesToolSchema = FunctionToolSchema;

const FunctionReferenceSchema = z.looseObject({ type: z.literal('function'), name: z.string() });

/** `tool_choice`: `none`, `auto`, `required`, one named function, or an allowed subset. */
export const ResponsesToolChoiceSchema = z.union([
  z.enum(['none', 'auto', 'required']),
  z.discriminatedUnion('type', [
    FunctionReferenceSchema,
    z.looseObject({
      type: z.literal('allowed_tools'),
      mode: z.enum(['auto', 'required']),
      tools: z.array(FunctionReferenceSchema),
    }),
  ]),
]);

/** `text.format`: free text, JSON mode, or output constrained to a JSON Schema. */
export const TextFormatSchema = z.discriminatedUnion('type', [
  z.looseObject({ type: z.literal('text') }),
  z.looseObject({ type: z.literal('json_object') }),
  z.looseObject({
    type: z.literal('json_schema'),
    name: identifierName(),
    schema: jsonSchemaObject(),
    description: z.string().nullish(),
    strict: z.boolean().nullish(),
  }),
]);

/** `text`: the output's format and verbosity. */
export const TextConfigSchema = z.looseObject({
  format: TextFormatSchema.nullish(),
  verbosity: z.enum(['low', 'medium', 'high']).nullish(),
});
