import type { Client } from '@switchyard/client';
import type { AssistantMessageParam, ChatCompletionRequest } from '@switchyard/protocol';
import { type AnswerError, describeError } from './answer-error.js';
import type { AnswerInfo, AnswerMetrics } from './answer-info.js';
import { applyChunk, emptyLiveAnswer, type LiveAnswer, liveToMessage } from './live-answer.js';

export interface RunOptions {
  signal: AbortSignal;
  /** Called after every chunk with the answer so far (the same object, updated in place). */
  onUpdate?: (live: LiveAnswer) => void;
  /** A monotonic clock in milliseconds (default `performance.now`). */
  now?: () => number;
}

/** What a finished (or stopped, or failed) request adds to the conversation. */
export interface RunResult {
  message: AssistantMessageParam;
  /** The fields of the answer's {@link AnswerInfo} that the run determined. */
  answer: Pick<
    AnswerInfo,
    | 'status'
    | 'responseModel'
    | 'finishReason'
    | 'usage'
    | 'metrics'
    | 'requestId'
    | 'deployment'
    | 'overheadMs'
    | 'error'
  >;
}

function headerNumber(headers: Headers | undefined, name: string): number | null {
  const value = headers?.get(name);
  if (value == null || value.trim() === '') return null;
  const number = Number(value);
  return Number.isFinite(number) ? number : null;
}

/**
 * When a tokens-per-second figure means something: at least this many tokens generated after the
 * first one, over at least this long. Below that (an instant simulator answer, a one-word reply) the
 * quotient measures the network and the timer, not generation ("274000.0"), so none is shown.
 */
export const TOKENS_PER_SECOND_RULE = { minTokens: 8, minMs: 100 } as const;

function metricsOf(live: LiveAnswer, start: number, end: number, streamed: boolean): AnswerMetrics {
  const latencyMs = end - start;
  const ttftMs = streamed && live.firstTokenAt !== null ? live.firstTokenAt - start : null;
  const tokens = live.usage?.completion_tokens;
  // Generation speed: tokens after the first one, over the time after it (the whole latency without a
  // stream), only when both are large enough to measure (TOKENS_PER_SECOND_RULE).
  const since = streamed ? (live.firstTokenAt ?? end) : start;
  const ms = end - since;
  const counted = typeof tokens === 'number' ? (streamed ? tokens - 1 : tokens) : 0;
  const tokensPerSecond =
    counted >= TOKENS_PER_SECOND_RULE.minTokens && ms >= TOKENS_PER_SECOND_RULE.minMs
      ? counted / (ms / 1000)
      : null;
  return { latencyMs, ttftMs, tokensPerSecond };
}

/**
 * Sends one chat completion through the client and turns the outcome into conversation data:
 * the assistant message (partial when stopped or cut), timings, usage, the deployment and
 * request id from the response headers, and the error, if any, as plain data. Never throws.
 */
export async function runCompletion(
  client: Client,
  request: ChatCompletionRequest,
  options: RunOptions,
): Promise<RunResult> {
  const now = options.now ?? (() => performance.now());
  const start = now();
  const live = emptyLiveAnswer();
  const streamed = request.stream === true;
  let headers: Headers | undefined;
  let requestId: string | null = null;
  let error: AnswerError | null = null;
  let stopped = false;
  try {
    if (streamed) {
      const exchange = await client.chat.completions
        .create({ ...request, stream: true }, { signal: options.signal })
        .withResponse();
      headers = exchange.response.headers;
      requestId = exchange.requestId;
      for await (const chunk of exchange.data) {
        applyChunk(live, chunk, now());
        options.onUpdate?.(live);
      }
    } else {
      const exchange = await client.chat.completions
        .create({ ...request, stream: false }, { signal: options.signal })
        .withResponse();
      headers = exchange.response.headers;
      requestId = exchange.requestId;
      const completion = exchange.data;
      const choice = completion.choices.find((c) => c.index === 0);
      live.responseModel = completion.model;
      live.usage = completion.usage ?? null;
      live.finishReason = choice?.finish_reason ?? null;
      live.content = typeof choice?.message.content === 'string' ? choice.message.content : '';
      live.reasoning = choice?.message.reasoning_content ?? choice?.message.reasoning ?? '';
      live.refusal = choice?.message.refusal ?? '';
      live.toolCalls = (choice?.message.tool_calls ?? []).map((call) => ({
        id: call.id,
        type: 'function',
        function: { name: call.function.name, arguments: call.function.arguments },
      }));
      options.onUpdate?.(live);
    }
  } catch (caught) {
    const described = describeError(caught);
    if (described.category === 'aborted' || options.signal.aborted) stopped = true;
    else error = described;
    requestId = described.requestId ?? requestId;
  }
  const end = now();
  return {
    message: liveToMessage(live),
    answer: {
      status: error ? 'error' : stopped ? 'stopped' : 'done',
      responseModel: live.responseModel,
      finishReason: live.finishReason,
      usage: live.usage,
      metrics: metricsOf(live, start, end, streamed),
      requestId,
      deployment: headers?.get('x-switchyard-deployment') ?? null,
      overheadMs: headerNumber(headers, 'x-switchyard-overhead-ms'),
      error,
    },
  };
}
