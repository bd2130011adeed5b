import {
  clip,
  createProtocolError,
  type EmbeddingResponse,
  EmbeddingResponseSchema,
} from '@switchyard/protocol';

/**
 * Reads an upstream's `POST /embeddings` answer (kept as it came, unknown fields included), or
 * throws a `bad_response` error naming the provider when it is not an embeddings list.
 */
export function readEmbeddings(text: string, provider: string, requestId: string): EmbeddingResponse {
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch (cause) {
    throw createProtocolError({
      message: `The ${provider} upstream answered POST /embeddings with malformed JSON: ${clip(text.trim(), 120)}`,
      code: 'bad_response',
      requestId,
      cause,
    });
  }
  const parsed = EmbeddingResponseSchema.safeParse(body);
  if (parsed.success) return parsed.data as EmbeddingResponse;
  throw createProtocolError({
    message: `The ${provider} upstream answered POST /embeddings with something other than an embeddings list.`,
    code: 'bad_response',
    requestId,
  });
}
