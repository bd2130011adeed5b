import type {
  ProtocolError,
  ResponseObject,
  ResponseOutputItem,
  ResponseStatus,
  ResponseUsage,
  Usage,
} from '@switchyard/protocol';
import type { ResponsesNative } from './responses-native.js';

/** How a response ended, besides its output. */
export interface ResponseEnding {
  readonly status: ResponseStatus;
  readonly output: readonly ResponseOutputItem[];
  readonly usage?: Usage | undefined;
  /** Why an `incomplete` response stopped. */
  readonly incompleteReason?: 'max_output_tokens' | 'content_filter' | undefined;
  /** What made a `failed` response fail. */
  readonly error?: ProtocolError | undefined;
}

/** Chat-completions usage in the Responses API's terms. */
export function toResponseUsage(usage: Usage): ResponseUsage {
  return {
    input_tokens: usage.prompt_tokens,
    input_tokens_details: { cached_tokens: usage.prompt_tokens_details?.cached_tokens ?? 0 },
    output_tokens: usage.completion_tokens,
    output_tokens_details: { reasoning_tokens: usage.completion_tokens_details?.reasoning_tokens ?? 0 },
    total_tokens: usage.total_tokens,
    ...(usage.cost != null ? { cost: usage.cost } : {}),
  };
}

/** The incomplete reason of a chat finish reason, or undefined when the answer completed. */
export function incompleteReasonOf(
  finishReason: string | null | undefined,
): ResponseEnding['incompleteReason'] {
  if (finishReason === 'length') return 'max_output_tokens';
  if (finishReason === 'content_filter') return 'content_filter';
  return undefined;
}

/**
 * The response object for a request, as it stands: the echo of the request's settings, the
 * output so far, and how it ended.
 */
export function buildResponse(native: ResponsesNative, ending: ResponseEnding): ResponseObject {
  const { request } = native;
  const done = ending.status === 'completed' || ending.status === 'incomplete';
  return {
    id: native.id,
    object: 'response',
    created_at: Math.floor(native.createdAt / 1000),
    status: ending.status,
    background: false,
    completed_at: done ? Math.floor(Date.now() / 1000) : null,
    error: ending.error ? { code: ending.error.code, message: ending.error.message } : null,
    incomplete_details: ending.incompleteReason ? { reason: ending.incompleteReason } : null,
    instructions: request.instructions ?? null,
    max_output_tokens: request.max_output_tokens ?? null,
    metadata: request.metadata ?? {},
    model: request.model,
    output: [...ending.output],
    parallel_tool_calls: request.parallel_tool_calls ?? true,
    previous_response_id: request.previous_response_id ?? null,
    reasoning: { effort: request.reasoning?.effort ?? null, summary: request.reasoning?.summary ?? null },
    service_tier: request.service_tier ?? null,
    store: request.store ?? true,
    temperature: request.temperature ?? null,
    text: { format: request.text?.format ?? { type: 'text' }, verbosity: request.text?.verbosity ?? null },
    tool_choice: request.tool_choice ?? 'auto',
    tools: request.tools ?? [],
    top_p: request.top_p ?? null,
    truncation: request.truncation ?? 'disabled',
    usage: ending.usage ? toResponseUsage(ending.usage) : null,
    user: request.user ?? null,
  };
}
