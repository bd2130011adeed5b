import { type AnswerInfo, newAnswer } from './answer-info.js';

/** For tests: an answer of `simulator/echo` with no metrics yet, changed by `patch`. */
export function answerInfo(patch: Partial<AnswerInfo> = {}): AnswerInfo {
  return {
    ...newAnswer({
      status: 'done',
      model: 'simulator/echo',
      params: { model: 'simulator/echo' },
      system: '',
      startedAt: 0,
      compareGroup: null,
    }),
    ...patch,
  };
}
