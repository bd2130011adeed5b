import { clip, ErrorCode, NotFoundError } from '@switchyard/protocol';

/** Longest model name quoted in the message. */
const QUOTE_LENGTH = 200;

/**
 * The 404 (`model_not_found`, param `model`) for a model that does not exist or that the caller
 * may not use: one message for both, so that a key cannot probe which models exist. `suggestions`
 * (models the caller may use, e.g. the nearest to a typo) are offered as "Did you mean …?".
 */
export function modelNotFoundError(
  model: string,
  requestId?: string,
  suggestions: readonly string[] = [],
): NotFoundError {
  const hint =
    suggestions.length > 0
      ? ` Did you mean ${suggestions.map((s) => `'${clip(s, QUOTE_LENGTH)}'`).join(' or ')}?`
      : '';
  return new NotFoundError({
    message: `The model '${clip(model, QUOTE_LENGTH)}' does not exist or you do not have access to it.${hint}`,
    code: ErrorCode.modelNotFound,
    param: 'model',
    requestId,
  });
}
