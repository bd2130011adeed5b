import { describe, expect, it } from 'vitest';
import { safeParseEmbeddingRequest } from './parse-embedding-request.js';

describe('parseEmbeddingRequest', () => {
  it('accepts a string, strings, token ids and token-id arrays', () => {
    for (const input of ['a', ['a', 'b'], [1, 2, 3], [[1], [2, 3]]]) {
      expect(safeParseEmbeddingRequest({ model: 'e', input }).success).toBe(true);
    }
    expect(
      safeParseEmbeddingRequest({ model: 'e', input: 'a', dimensions: 8, encoding_format: 'base64' }).success,
    ).toBe(true);
  });

  it('names the field at fault', () => {
    const param = (body: unknown) => {
      const result = safeParseEmbeddingRequest(body);
      return result.success ? 'accepted' : `${result.error.param}: ${result.error.message}`;
    };
    expect(param({ model: 'e', input: '' })).toBe('input: input must not be empty');
    expect(param({ model: 'e', input: ['a', ''] })).toBe('input[1]: input[1] must not be empty');
    expect(param({ model: 'e', input: [] })).toBe('input: input must contain at least one input');
    expect(param({ model: 'e', input: 'a', dimensions: 0 })).toBe(
      'dimensions: dimensions must be a positive integer (got 0)',
    );
    expect(param({ model: 'e', input: 'a', encoding_format: 'int8' })).toBe(
      "encoding_format: encoding_format must be one of 'float', 'base64' (got 'int8')",
    );
    expect(param({ input: 'a' })).toBe('model: model is required');
  });
});
