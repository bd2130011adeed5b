import type { ChatCompletion, ChatCompletionRequest, ResponseFormat } from '@switchyard/protocol';
import { APIPromise, type RequestIdentified } from './api-promise.js';
import type { Client } from './client.js';
import {
  ContentFilterError,
  LengthFinishReasonError,
  OutputValidationError,
  RefusalError,
} from './output-errors.js';
import type { RequestOptions } from './send-request.js';
import {
  type InferOutput,
  isStrictCompatible,
  type StructuredSchema,
  toJSONSchema,
  validate,
} from './standard-schema.js';

/** The parameters of {@link parse}: a request whose output a schema describes. */
export interface ChatCompletionParseParams<S extends StructuredSchema>
  extends Omit<ChatCompletionRequest, 'response_format' | 'stream' | 'stream_options'> {
  /** The schema of the answer (a zod schema, or any Standard JSON Schema). */
  responseFormat: S;
  /** The `json_schema.name` sent to the model (default `response`). */
  responseFormatName?: string;
  /**
   * OpenAI strict mode. By default it is on when the schema allows it: every object closed and
   * all fields required (use `.nullable()` rather than `.optional()` to keep it on).
   */
  strict?: boolean;
}

/** A completion whose first choice was parsed and validated into `parsed`. */
export type ParsedChatCompletion<T> = ChatCompletion & RequestIdentified & { parsed: T };

/**
 * Asks for output matching a schema (sent as a `json_schema` response format) and returns the
 * completion with the validated, typed value in `parsed`. HTTP failures are retried like any
 * call; bad output is not.
 *
 * @throws {RefusalError} the model refused.
 * @throws {LengthFinishReasonError} the output was cut at the token limit.
 * @throws {ContentFilterError} the content filter stopped the output.
 * @throws {OutputValidationError} the content is not JSON or does not match the schema.
 * @example
 * ```ts
 * const { parsed } = await parse(client, {
 *   model,
 *   messages: [{ role: 'user', content: 'Name a city and its country.' }],
 *   responseFormat: z.object({ city: z.string(), country: z.string() }),
 * });
 * ```
 */
export function parse<S extends StructuredSchema>(
  client: Client,
  params: ChatCompletionParseParams<S>,
  options?: RequestOptions,
): APIPromise<ParsedChatCompletion<InferOutput<S>>> {
  const { responseFormat, responseFormatName = 'response', strict, ...request } = params;
  const exchange = (async () => {
    const body = {
      ...request,
      response_format: responseFormatFor(responseFormat, responseFormatName, strict),
    };
    const result = await client.chat.completions.create(body, options).withResponse();
    return { ...result, data: await parseCompletion(result.data, responseFormat) };
  })();
  return new APIPromise(exchange);
}

/** The `json_schema` response format that asks the model for output matching `schema`. */
function responseFormatFor(
  schema: StructuredSchema,
  name: string,
  strict: boolean | undefined,
): ResponseFormat {
  const json = toJSONSchema(schema, 'responseFormat');
  return {
    type: 'json_schema',
    json_schema: { name, schema: json, strict: strict ?? isStrictCompatible(json) },
  };
}

/**
 * Checks the first choice and validates its JSON content against the schema.
 *
 * @throws {RefusalError} the model refused.
 * @throws {LengthFinishReasonError} the output was cut at the token limit.
 * @throws {ContentFilterError} the content filter stopped the output.
 * @throws {OutputValidationError} the content is not JSON or does not match the schema.
 */
async function parseCompletion<T>(
  completion: ChatCompletion & RequestIdentified,
  schema: StructuredSchema<T>,
): Promise<ParsedChatCompletion<T>> {
  const choice = completion.choices[0];
  const message = choice?.message;
  if (message?.refusal) throw new RefusalError(message.refusal, completion);
  if (choice?.finish_reason === 'length') throw new LengthFinishReasonError(completion);
  if (choice?.finish_reason === 'content_filter') throw new ContentFilterError(completion);
  const text = typeof message?.content === 'string' ? message.content : '';
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    const reason = text ? `Invalid JSON (${(error as Error).message})` : 'The model returned no content';
    throw new OutputValidationError([{ path: '', message: reason }], text, completion);
  }
  const result = await validate(schema, value);
  if (!result.ok) throw new OutputValidationError(result.issues, text, completion);
  return Object.assign(completion, { parsed: result.value });
}
