import type { AnswerInfo } from './answer-info.js';

/** For tests: an answer of `simulator/echo` with no metrics yet, changed by `patch`. */
export function answerInfo(patch: Partial<AnswerInfo> = {}): AnswerInfo {
  return {
    status: 'done',
    model: 'simulator/echo',
    responseModel: null,
    params: { model: 'simulator/echo' },
    system: '',
    startedAt: 0,
    finishReason: null,
    usage: null,
    metrics: null,
    requestId: null,
    deployment: null,
    overheadMs: null,
    error: null,
    compareGroup: null,
    edited: false,
    ...patch,
  };
}
