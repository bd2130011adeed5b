import type { ChatCompletionRequest, Usage } from '@switchyard/protocol';
import type { AnswerError } from './answer-error.js';

/** The request without its messages: what an answer was asked with, to export or re-run it. */
export type RequestParams = Omit<ChatCompletionRequest, 'messages'>;

export interface AnswerMetrics {
  /** Milliseconds from sending to the first token (content, reasoning or tool call). */
  ttftMs: number | null;
  /** Milliseconds from sending to the end of the answer. */
  latencyMs: number;
  /** Completion tokens per second of generation (after the first token). */
  tokensPerSecond: number | null;
}

export type AnswerStatus = 'streaming' | 'done' | 'stopped' | 'error';

/** How an assistant message of the conversation was produced (absent on typed-in ones). */
export interface AnswerInfo {
  status: AnswerStatus;
  /** The model asked for. */
  model: string;
  /** The model the response named. */
  responseModel: string | null;
  params: RequestParams;
  /** The system prompt sent with it ('' for none). */
  system: string;
  /** Epoch milliseconds when the request was sent. */
  startedAt: number;
  finishReason: string | null;
  usage: Usage | null;
  metrics: AnswerMetrics | null;
  requestId: string | null;
  /** `x-switchyard-deployment`: the upstream deployment that served it. */
  deployment: string | null;
  /** `x-switchyard-overhead-ms`: time the gateway itself added. */
  overheadMs: number | null;
  error: AnswerError | null;
  /** Answers created by one compare-mode send share this id. */
  compareGroup: string | null;
  /** The message was edited after it was generated. */
  edited: boolean;
}

/** An answer just asked for: nothing received yet. */
export function newAnswer(
  asked: Pick<AnswerInfo, 'status' | 'model' | 'params' | 'system' | 'startedAt' | 'compareGroup'>,
): AnswerInfo {
  return {
    ...asked,
    responseModel: null,
    finishReason: null,
    usage: null,
    metrics: null,
    requestId: null,
    deployment: null,
    overheadMs: null,
    error: null,
    edited: false,
  };
}
