import {
  type ChatCompletion,
  type ChatCompletionChunk,
  decodeSSE,
  ErrorEnvelopeSchema,
  type ProtocolError,
} from '@switchyard/protocol';
import { Ajv } from 'ajv';
import { expect } from 'vitest';
import { describeAnswer, parseAnswer } from './conformance-answer.js';

/** Everything one streamed answer delivered. */
export interface CollectedStream {
  readonly status: number;
  readonly headers: Headers;
  readonly chunks: ChatCompletionChunk[];
  readonly done: boolean;
  readonly errors: ProtocolError[];
  /** Whether anything followed `[DONE]` or an error event (it must not). */
  readonly trailing: boolean;
  /** The body as text when it was not an event stream (an error answer), for failure messages. */
  readonly text: string;
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
  const isStream = /^text\/event-stream/.test(response.headers.get('content-type') ?? '');
  if (!isStream) {
    const text = await response.text();
    return { status: response.status, headers: response.headers, chunks, done, errors, trailing, text };
  }
  if (response.body) {
    for await (const event of decodeSSE(response.body)) {
      if (event.type === 'comment') continue;
      if (done || errors.length > 0) trailing = true;
      if (event.type === 'chunk') chunks.push(event.chunk);
      else if (event.type === 'done') done = true;
      else errors.push(event.error);
    }
  }
  return { status: response.status, headers: response.headers, chunks, done, errors, trailing, text: '' };
}

/** Reads an error answer and checks it is the protocol envelope; fails with the status and body if not. */
export async function readErrorEnvelope(
  response: Response,
): Promise<{ status: number; code: unknown; param: unknown; requestId: unknown; answer: string }> {
  const text = await response.text();
  const answer = describeAnswer(response.status, text);
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    return expect.fail(`the error answer is not JSON: ${answer}`);
  }
  const envelope = parseAnswer(ErrorEnvelopeSchema, json, 'the error envelope', answer) as {
    error: { code?: unknown; param?: unknown; request_id?: unknown };
  };
  return {
    status: response.status,
    code: envelope.error.code,
    param: envelope.error.param,
    requestId: envelope.error.request_id,
    answer,
  };
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
