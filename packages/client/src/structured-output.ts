import type { ChatCompletion, ChatCompletionRequest, ResponseFormat } from '@switchyard/protocol';
import type { RequestIdentified } from './api-promise.js';
import {
  ContentFilterError,
  LengthFinishReasonError,
  OutputValidationError,
  RefusalError,
} from './output-errors.js';
import { readJSON } from './read-json.js';
import {
  type ClientConfig,
  chatRequest,
  type Exchange,
  type RequestOptions,
  sendRequest,
} from './send-request.js';
import { isStrictCompatible, type StructuredSchema, toJSONSchema, validate } from './standard-schema.js';

/** The parameters of `chat.completions.parse()`: a request whose output a schema describes. */
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

/** Sends a `parse()` request and parses its answer; outside the retry loop, as bad output is not retried. */
export async function sendParse<T>(
  config: ClientConfig,
  params: ChatCompletionParseParams<StructuredSchema<T>>,
  options: RequestOptions,
): Promise<Exchange<ParsedChatCompletion<T>>> {
  const { responseFormat, responseFormatName = 'response', strict, ...request } = params;
  const body = { ...request, response_format: responseFormatFor(responseFormat, responseFormatName, strict) };
  const exchange = await sendRequest(config, chatRequest(body), options, readJSON<ChatCompletion>);
  return { ...exchange, data: await parseCompletion(exchange.data, responseFormat) };
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
