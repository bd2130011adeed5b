import { type AdapterContext, encodeEmbedding } from '@switchyard/adapter-kit';
import {
  BadRequestError,
  type EmbeddingRequest,
  type EmbeddingResponse,
  ErrorCode,
} from '@switchyard/protocol';
import { hash, seededRandom } from './seeded-random.js';
import type { Tokenizer } from './tokenizer.js';

/** The simulator's embedding model. */
export const SIMULATOR_EMBEDDING_MODEL = 'simulator/embed';
/** Length of its vectors (`dimensions` may ask for fewer). */
export const SIMULATOR_EMBEDDING_DIMENSIONS = 256;

const WORD = /[\p{L}\p{N}]+/gu;

/**
 * A deterministic unit vector for `text`: the sum of one pseudo-random vector per word (lower
 * case), so texts sharing words are close, normalised. Shortened to `dimensions` the way OpenAI's
 * models shorten theirs: the first values, normalised again.
 */
export function embedText(text: string, dimensions = SIMULATOR_EMBEDDING_DIMENSIONS): number[] {
  const words = text.toLowerCase().match(WORD) ?? [text];
  const sum = new Array<number>(dimensions).fill(0);
  for (const word of words) {
    const random = seededRandom(hash('embed', word));
    for (let i = 0; i < SIMULATOR_EMBEDDING_DIMENSIONS; i++) {
      const value = random.next() * 2 - 1;
      if (i < dimensions) sum[i]! += value;
    }
  }
  const norm = Math.hypot(...sum) || 1;
  return sum.map((value) => value / norm);
}

const isTokenIds = (input: readonly unknown[]): input is number[] =>
  input.every((value) => typeof value === 'number');

function inputsOf(input: EmbeddingRequest['input']): readonly (string | number[])[] {
  if (typeof input === 'string' || isTokenIds(input)) return [input];
  return input;
}

/** `simulator/embed`: one {@link embedText} vector per input; token-id inputs are embedded as their ids. */
export async function simulatorEmbed(
  request: EmbeddingRequest,
  context: AdapterContext,
  tokenizer: Tokenizer,
): Promise<EmbeddingResponse> {
  if (request.model !== SIMULATOR_EMBEDDING_MODEL) {
    throw new BadRequestError({
      message: `The model '${request.model}' is a chat model and does not embed: use ${SIMULATOR_EMBEDDING_MODEL}.`,
      code: ErrorCode.invalidRequest,
      param: 'model',
    });
  }
  const dimensions = request.dimensions ?? SIMULATOR_EMBEDDING_DIMENSIONS;
  if (dimensions > SIMULATOR_EMBEDDING_DIMENSIONS) {
    throw new BadRequestError({
      message: `dimensions must be at most ${SIMULATOR_EMBEDDING_DIMENSIONS} for ${SIMULATOR_EMBEDDING_MODEL} (got ${dimensions}).`,
      code: ErrorCode.invalidRequest,
      param: 'dimensions',
    });
  }
  const inputs = inputsOf(request.input);
  let tokens = 0;
  const data = [];
  for (const [index, item] of inputs.entries()) {
    const text = typeof item === 'string' ? item : item.join(' ');
    tokens += typeof item === 'string' ? await tokenizer.count(item, context.signal) : item.length;
    data.push({
      object: 'embedding' as const,
      index,
      embedding: encodeEmbedding(embedText(text, dimensions), request.encoding_format),
    });
  }
  return {
    object: 'list',
    data,
    model: request.model,
    usage: { prompt_tokens: tokens, total_tokens: tokens },
  };
}
