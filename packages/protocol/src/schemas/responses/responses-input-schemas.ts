import { z } from 'zod';
import { describeValue, identifierName } from '../request-fields.js';

// The `input` items of `POST /v1/responses`: messages with typed content parts, the function calls
// and outputs of earlier turns, and earlier reasoning. Messages may leave out `type`.

export const InputTextPartSchema = z.looseObject({ type: z.literal('input_text'), text: z.string() });

export const InputImagePartSchema = z
  .looseObject({
    type: z.literal('input_image'),
    image_url: z.string().min(1, { error: '{param} must be an http(s) or data: URL' }).nullish(),
    file_id: z.string().nullish(),
    detail: z.enum(['auto', 'low', 'high']).optional(),
  })
  .refine((part) => part.image_url != null || part.file_id != null, {
    error: '{param} needs image_url or file_id',
  });

export const InputFilePartSchema = z
  .looseObject({
    type: z.literal('input_file'),
    file_data: z.string().nullish(),
    file_id: z.string().nullish(),
    filename: z.string().nullish(),
  })
  .refine((part) => part.file_data != null || part.file_id != null, {
    error: '{param} needs file_data or file_id',
  });

/** Text the model wrote in an earlier turn, replayed in `input`. */
export const OutputTextPartSchema = z.looseObject({
  type: z.literal('output_text'),
  text: z.string(),
  annotations: z.array(z.unknown()).optional(),
});

export const RefusalContentPartSchema = z.looseObject({ type: z.literal('refusal'), refusal: z.string() });

/** A content part of an input message. */
export const InputContentPartSchema = z.discriminatedUnion('type', [
  InputTextPartSchema,
  InputImagePartSchema,
  InputFilePartSchema,
  OutputTextPartSchema,
  RefusalContentPartSchema,
]);

const NO_PARTS = '{param} must contain at least one content part';

export const InputMessageItemSchema = z.looseObject({
  type: z.literal('message'),
  id: z.string().optional(),
  role: z.enum(['user', 'assistant', 'system', 'developer']),
  content: z.union([z.string(), z.array(InputContentPartSchema).min(1, { error: NO_PARTS })]),
  status: z.string().optional(),
});

export const FunctionCallItemSchema = z.looseObject({
  type: z.literal('function_call'),
  id: z.string().optional(),
  call_id: z.string().min(1, { error: '{param} must be the non-empty id of the call' }),
  name: identifierName(),
  arguments: z.string({
    error: (issue) =>
      issue.input !== undefined && typeof issue.input === 'object'
        ? `{param} must be a JSON string, not ${describeValue(issue.input)}: encode it with JSON.stringify`
        : undefined,
  }),
  status: z.string().optional(),
});

export const FunctionCallOutputItemSchema = z.looseObject({
  type: z.literal('function_call_output'),
  id: z.string().nullish(),
  call_id: z.string().min(1, { error: '{param} must be the call_id of the function_call it answers' }),
  output: z.union([z.string(), z.array(InputContentPartSchema)]),
  status: z.string().nullish(),
});

export const ReasoningItemSchema = z.looseObject({
  type: z.literal('reasoning'),
  id: z.string().optional(),
  summary: z.array(z.looseObject({ type: z.literal('summary_text'), text: z.string() })),
  content: z.array(z.looseObject({ type: z.literal('reasoning_text'), text: z.string() })).nullish(),
  encrypted_content: z.string().nullish(),
  status: z.string().optional(),
});

const InputItemUnionSchema = z.discriminatedUnion('type', [
  InputMessageItemSchema,
  FunctionCallItemSchema,
  FunctionCallOutputItemSchema,
  ReasoningItemSchema,
]);

/** One item of `input`; an object with a `role` and no `type` is a message. */
export const InputItemSchema = z.preprocess(
  (item) =>
    typeof item === 'object' && item !== null && !Array.isArray(item) && !('type' in item) && 'role' in item
      ? { type: 'message', ...item }
      : item,
  InputItemUnionSchema,
);

/** `input`: a user message as a string, or a list of items. */
export const ResponseInputSchema = z.union([z.string(), z.array(InputItemSchema)]);
