import type { UpstreamHeaders } from '@switchyard/adapter-kit';
import {
  type ChatCompletion,
  ChatCompletionSchema,
  clip,
  createProtocolError,
  type ProtocolError,
} from '@switchyard/protocol';
import { mapFinishReason } from './map-finish-reason.js';
import { normalizeReasoningFields } from './normalize-reasoning.js';
import { errorFromUpstream } from './upstream-error.js';

type Json = Record<string, unknown>;

export interface NormalizeCompletionOptions {
  /** The adapter's provider name (errors about the server's own key name it). */
  provider: string;
  requestId: string | null;
  model: string;
  headers: UpstreamHeaders;
  redact: readonly string[];
  generateId(): string;
}

/**
 * Reads a non-stream upstream body into a protocol completion: blank lines before the JSON
 * (DeepSeek's keep-alive while it generates) are trimmed; a 200 that carries an error body is
 * thrown as that error; reasoning moves to `reasoning_content`; content-part arrays are split;
 * tool calls lose the stream-only `index`, get string `arguments` and an id when missing; finish
 * reasons are normalised like the stream's.
 */
export function normalizeCompletion(text: string, options: NormalizeCompletionOptions): ChatCompletion {
  const trimmed = text.trim();
  if (trimmed === '') throw badResponse('The upstream answered with an empty body.', options);
  let body: unknown;
  try {
    body = JSON.parse(trimmed);
  } catch (cause) {
    throw badResponse(`The upstream answered with malformed JSON: ${clip(trimmed, 120)}`, options, cause);
  }
  if (typeof body !== 'object' || body === null || Array.isArray(body)) {
    throw badResponse(
      `Expected a chat.completion object from the upstream, got: ${clip(trimmed, 120)}`,
      options,
    );
  }
  const completion = body as Json;
  if (completion.error || completion.object === 'error') {
    const inner = (
      typeof completion.error === 'object' && completion.error ? completion.error : completion
    ) as Json;
    const code = inner.code;
    const status = typeof code === 'number' && code >= 400 && code <= 599 ? code : 502;
    throw errorFromUpstream({
      provider: options.provider,
      status,
      headers: options.headers,
      body,
      requestId: options.requestId,
      redact: options.redact,
    });
  }
  if (!Array.isArray(completion.choices)) {
    throw badResponse(
      `Expected a chat.completion object from the upstream, got: ${clip(trimmed, 120)}`,
      options,
    );
  }
  if (typeof completion.id !== 'string' || completion.id === '')
    completion.id = `chatcmpl-${options.generateId()}`;
  if (completion.object !== 'chat.completion') completion.object = 'chat.completion';
  if (typeof completion.created !== 'number') completion.created = Math.floor(Date.now() / 1000);
  if (typeof completion.model !== 'string' || completion.model === '') completion.model = options.model;
  completion.choices = completion.choices.map((choice, position) =>
    normalizeChoice(choice, position, options),
  );

  const parsed = ChatCompletionSchema.safeParse(completion);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw badResponse(
      `The upstream answer is not a valid chat.completion (${issue?.path.join('.') ?? ''}: ${issue?.message ?? ''}).`,
      options,
    );
  }
  return completion as unknown as ChatCompletion;
}

function normalizeChoice(raw: unknown, position: number, options: NormalizeCompletionOptions): Json {
  const choice: Json = typeof raw === 'object' && raw !== null ? { ...(raw as Json) } : {};
  if (typeof choice.index !== 'number') choice.index = position;
  const message: Json =
    typeof choice.message === 'object' && choice.message !== null ? { ...(choice.message as Json) } : {};
  message.role = 'assistant';
  normalizeReasoningFields(message, null);
  if (message.content === undefined) message.content = null;
  if (Array.isArray(message.tool_calls)) {
    message.tool_calls = message.tool_calls.map((call) => normalizeToolCall(call, options));
    if ((message.tool_calls as unknown[]).length === 0) delete message.tool_calls;
  }
  choice.message = message;
  if (!('logprobs' in choice)) choice.logprobs = null;
  const reason = choice.finish_reason;
  if (typeof reason === 'string' && reason !== '') {
    const mapped = mapFinishReason(reason, { requestId: options.requestId, streamStarted: false });
    if ('error' in mapped) throw mapped.error;
    choice.finish_reason = mapped.finishReason;
  } else {
    // Some local servers leave it out of whole answers; infer it rather than reject the answer.
    choice.finish_reason = message.tool_calls ? 'tool_calls' : 'stop';
  }
  return choice;
}

function normalizeToolCall(raw: unknown, options: NormalizeCompletionOptions): unknown {
  if (typeof raw !== 'object' || raw === null) return raw;
  const { index: _index, ...call } = raw as Json;
  if (typeof call.id !== 'string' || call.id === '') call.id = `call_${options.generateId()}`;
  call.type = 'function';
  if (typeof call.function === 'object' && call.function !== null) {
    const fn = { ...(call.function as Json) };
    if (typeof fn.arguments === 'object' && fn.arguments !== null)
      fn.arguments = JSON.stringify(fn.arguments);
    else if (fn.arguments === undefined || fn.arguments === null || fn.arguments === '') fn.arguments = '{}';
    call.function = fn;
  }
  return call;
}

function badResponse(message: string, options: NormalizeCompletionOptions, cause?: unknown): ProtocolError {
  return createProtocolError({ message, code: 'bad_response', requestId: options.requestId, cause });
}
