import { encodeEmbedding } from '@switchyard/adapter-kit';
import type { EmbeddingRequest, EmbeddingResponse } from '@switchyard/protocol';
import { invalidRequest } from './gemini-error.js';

/** The answer of Gemini's `batchEmbedContents`. */
export interface GeminiBatchEmbedResponse {
  embeddings?: Array<{ values?: number[] }>;
}

/**
 * The `batchEmbedContents` body for an embeddings request: one request per input text, with
 * `outputDimensionality` for `dimensions`. Gemini embeds text, so token-id inputs are refused.
 */
export function buildBatchEmbedRequest(request: EmbeddingRequest, modelPath: string): unknown {
  const { input } = request;
  const texts = typeof input === 'string' ? [input] : input;
  return {
    requests: texts.map((text, index) => {
      if (typeof text !== 'string') {
        throw invalidRequest(
          'Gemini embeds text, not token ids: send input as a string or an array of strings.',
          typeof input[0] === 'number' ? 'input' : `input[${index}]`,
        );
      }
      return {
        model: modelPath,
        content: { parts: [{ text }] },
        ...(request.dimensions != null ? { outputDimensionality: request.dimensions } : {}),
      };
    }),
  };
}

/** Gemini's vectors in the OpenAI shape; Gemini reports no token usage for them. */
export function toEmbeddingResponse(
  answer: GeminiBatchEmbedResponse,
  request: EmbeddingRequest,
): EmbeddingResponse {
  return {
    object: 'list',
    data: (answer.embeddings ?? []).map((embedding, index) => ({
      object: 'embedding',
      index,
      embedding: encodeEmbedding(embedding.values ?? [], request.encoding_format),
    })),
    model: request.model,
  };
}
