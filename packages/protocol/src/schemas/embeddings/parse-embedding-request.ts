import { type SafeParseResult, safeParseRequest } from '../safe-parse-request.js';
import { type EmbeddingRequest, EmbeddingRequestSchema } from './embedding-request-schema.js';

/** Validates a `POST /v1/embeddings` body without throwing (see `safeParseResponsesRequest`). */
export function safeParseEmbeddingRequest(body: unknown): SafeParseResult<EmbeddingRequest> {
  return safeParseRequest(EmbeddingRequestSchema, body, 'an embeddings request');
}

/**
 * Validates a `POST /v1/embeddings` body and returns it (unknown fields kept).
 *
 * @throws BadRequestError (code `invalid_request`) with `param` set to the exact field path.
 */
export function parseEmbeddingRequest(body: unknown): EmbeddingRequest {
  const result = safeParseEmbeddingRequest(body);
  if (result.success) return result.data;
  throw result.error;
}
