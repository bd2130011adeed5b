import { BadRequestError, ErrorCode } from '@switchyard/protocol';
import type { Deployment } from './deployment.js';

/** The 400 for embeddings asked of a deployment whose adapter has no embeddings. */
export function notAnEmbeddingModel(model: string, deployment: Deployment): BadRequestError {
  return new BadRequestError({
    message: `The model '${model}' is a chat model and does not embed (its provider '${deployment.provider}' has no embeddings): use an embedding model.`,
    code: ErrorCode.invalidRequest,
    param: 'model',
  });
}
