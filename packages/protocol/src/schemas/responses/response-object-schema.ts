import { z } from 'zod';
import type { Closed } from '../closed.js';
import { openEnum } from '../open-enum.js';

// The response object of the Responses API (`object: "response"`), parsed leniently: unknown
// fields and item types are kept, fields a server may drop are nullish.

export const OutputTextSchema = z.looseObject({
  type: z.literal('output_text'),
  text: z.string(),
  annotations: z.array(z.unknown()),
  logprobs: z.array(z.unknown()).nullish(),
});

export const OutputRefusalSchema = z.looseObject({ type: z.literal('refusal'), refusal: z.string() });

export const OutputMessageSchema = z.looseObject({
  type: z.literal('message'),
  id: z.string(),
  role: z.literal('assistant'),
  status: openEnum(['in_progress', 'completed', 'incomplete']),
  content: z.array(z.union([OutputTextSchema, OutputRefusalSchema])),
});

export const OutputFunctionCallSchema = z.looseObject({
  type: z.literal('function_call'),
  id: z.string().nullish(),
  call_id: z.string(),
  name: z.string(),
  arguments: z.string(),
  status: openEnum(['in_progress', 'completed', 'incomplete']).nullish(),
});

export const SummaryTextSchema = z.looseObject({ type: z.literal('summary_text'), text: z.string() });

export const OutputReasoningSchema = z.looseObject({
  type: z.literal('reasoning'),
  id: z.string(),
  summary: z.array(SummaryTextSchema),
  content: z.array(z.looseObject({ type: z.literal('reasoning_text'), text: z.string() })).nullish(),
  encrypted_content: z.string().nullish(),
  status: openEnum(['in_progress', 'completed', 'incomplete']).nullish(),
});

/** One item of a response's `output`; item types this schema does not know are kept as they are. */
export const OutputItemSchema = z.union([
  z.discriminatedUnion('type', [OutputMessageSchema, OutputFunctionCallSchema, OutputReasoningSchema]),
  z.looseObject({ type: z.string() }),
]);

export const ResponseUsageSchema = z.looseObject({
  input_tokens: z.number(),
  input_tokens_details: z.looseObject({ cached_tokens: z.number().nullish() }).nullish(),
  output_tokens: z.number(),
  output_tokens_details: z.looseObject({ reasoning_tokens: z.number().nullish() }).nullish(),
  total_tokens: z.number(),
  /** The request's price in USD, when the server reports it (as in chat-completions usage). */
  cost: z.number().nullish(),
});

/** `status` of a response. */
export const RESPONSE_STATUSES = [
  'completed',
  'failed',
  'in_progress',
  'cancelled',
  'queued',
  'incomplete',
] as const;

/** The response object of `POST /v1/responses` and `GET /v1/responses/{id}`. */
export const ResponseObjectSchema = z.looseObject({
  id: z.string(),
  object: openEnum(['response']),
  created_at: z.number(),
  status: openEnum(RESPONSE_STATUSES),
  model: z.string(),
  output: z.array(OutputItemSchema),
  error: z.looseObject({ code: z.string(), message: z.string() }).nullish(),
  incomplete_details: z.looseObject({ reason: openEnum(['max_output_tokens', 'content_filter']) }).nullish(),
  instructions: z.union([z.string(), z.array(z.unknown())]).nullish(),
  usage: ResponseUsageSchema.nullish(),
  previous_response_id: z.string().nullish(),
  metadata: z.record(z.string(), z.string()).nullish(),
  completed_at: z.number().nullish(),
  background: z.boolean().nullish(),
  max_output_tokens: z.number().nullish(),
  parallel_tool_calls: z.boolean().nullish(),
  reasoning: z.looseObject({ effort: z.string().nullish(), summary: z.string().nullish() }).nullish(),
  store: z.boolean().nullish(),
  temperature: z.number().nullish(),
  top_p: z.number().nullish(),
  text: z
    .looseObject({ format: z.looseObject({ type: z.string() }).nullish(), verbosity: z.string().nullish() })
    .nullish(),
  tool_choice: z.union([z.string(), z.looseObject({ type: z.string() })]).nullish(),
  tools: z.array(z.looseObject({ type: z.string() })).nullish(),
  truncation: z.string().nullish(),
  user: z.string().nullish(),
  service_tier: z.string().nullish(),
});

/** One item of a response's output. */
export type ResponseOutputItem = Closed<z.output<typeof OutputItemSchema>>;
/** The assistant message of a response. */
export type ResponseOutputMessage = Closed<z.output<typeof OutputMessageSchema>>;
export type ResponseOutputText = Closed<z.output<typeof OutputTextSchema>>;
/** A function call the model made. */
export type ResponseOutputFunctionCall = Closed<z.output<typeof OutputFunctionCallSchema>>;
/** The model's reasoning, as a summary. */
export type ResponseOutputReasoning = Closed<z.output<typeof OutputReasoningSchema>>;
/** Token usage of a response. */
export type ResponseUsage = Closed<z.output<typeof ResponseUsageSchema>>;
export type ResponseStatus = (typeof RESPONSE_STATUSES)[number];
/** The response object (`object: "response"`). */
export type ResponseObject = Closed<z.output<typeof ResponseObjectSchema>>;
