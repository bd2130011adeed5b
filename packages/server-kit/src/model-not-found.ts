import { clip, ErrorCode, NotFoundError } from '@switchyard/protocol';

/** Longest model name quoted in the message. */
const QUOTE_LENGTH = 200;

/**
 * The 404 (`model_not_found`, param `model`) for a model that does not exist or that the caller
 * may not use: one message for both, so that a key cannot probe which models exist.
 */
export function modelNotFoundError(model: string, requestId?: string): NotFoundError {
  return new NotFoundError({
    message: `The model '${clip(model, QUOTE_LENGTH)}' does not exist or you do not have access to it.`,
    code: ErrorCode.modelNotFound,
    param: 'model',
    requestId,
  });
}
