export {
  type EmbeddingRequest,
  EmbeddingRequestSchema,
  MAX_EMBEDDING_INPUTS,
} from './embedding-request-schema.js';
export {
  type Embedding,
  type EmbeddingResponse,
  EmbeddingResponseSchema,
} from './embedding-response-schema.js';
export { parseEmbeddingRequest, safeParseEmbeddingRequest } from './parse-embedding-request.js';
