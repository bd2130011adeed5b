import {
  type ChatCompletion,
  type ChatCompletionChunk,
  decodeSSE,
  ErrorEnvelopeSchema,
  type ProtocolError,
} from '@switchyard/protocol';
import { Ajv } from 'ajv';

/** Everything one streamed answer delivered. */
export interface CollectedStream {
  readonly status: number;
  readonly headers: Headers;
  readonly chunks: ChatCompletionChunk[];
  readonly done: boolean;
  readonly errors: ProtocolError[];
  /** Whether anything followed `[DONE]` or an error event (it must not). */
  readonly trailing: boolean;
}

/** POSTs a chat completion request to a server under test. */
export function postChat(url: string, body: unknown, init: RequestInit = {}): Promise<Response> {
  return fetch(`${url}/v1/chat/completions`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
    ...init,
  });
}

/** Reads a whole SSE answer into its chunks, `[DONE]` and error events. */
export async function collectStream(response: Response): Promise<CollectedStream> {
  const chunks: ChatCompletionChunk[] = [];
  const errors: ProtocolError[] = [];
  let done = false;
  let trailing = false;
  if (response.body) {
    for await (const event of decodeSSE(response.body)) {
      if (event.type === 'comment') continue;
      if (done || errors.length > 0) trailing = true;
      if (event.type === 'chunk') chunks.push(event.chunk);
      else if (event.type === 'done') done = true;
      else errors.push(event.error);
    }
  }
  return { status: response.status, headers: response.headers, chunks, done, errors, trailing };
}

/** Reads an error answer and checks it is the protocol envelope. */
export async function readErrorEnvelope(
  response: Response,
): Promise<{ code: unknown; param: unknown; requestId: unknown }> {
  const envelope = ErrorEnvelopeSchema.parse(await response.json()) as {
    error: { code?: unknown; param?: unknown; request_id?: unknown };
  };
  return { code: envelope.error.code, param: envelope.error.param, requestId: envelope.error.request_id };
}

/**
 * A completion without what legitimately differs between two answers to the same request: ids,
 * timestamps, fingerprints, and tool-call ids (replaced by their position).
 */
export function comparable(completion: ChatCompletion): unknown {
  return {
    model: completion.model,
    usage: completion.usage ?? null,
    choices: completion.choices.map((choice) => ({
      index: choice.index,
      finish_reason: choice.finish_reason,
      message: {
        role: choice.message.role,
        content: choice.message.content ?? null,
        reasoning_content: choice.message.reasoning_content ?? null,
        tool_calls: (choice.message.tool_calls ?? []).map((call, i) => ({
          id: `call_${i}`,
          name: call.function.name,
          arguments: call.function.arguments,
        })),
      },
    })),
  };
}

const ajv = new Ajv({ strict: false, allErrors: true, validateFormats: false });

/** Validation errors of `value` against a JSON Schema, as text; empty when it is valid. */
export function schemaErrors(schema: object, value: unknown): string {
  const validate = ajv.compile(schema);
  return validate(value) ? '' : ajv.errorsText(validate.errors);
}
