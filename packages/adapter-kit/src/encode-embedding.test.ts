import { describe, expect, it } from 'vitest';
import { encodeEmbedding } from './encode-embedding.js';

describe('encodeEmbedding', () => {
  it('gives the numbers, or base64 of little-endian float32 that decodes back to them', () => {
    expect(encodeEmbedding([0.5, -1], 'float')).toEqual([0.5, -1]);
    expect(encodeEmbedding([0.5, -1], null)).toEqual([0.5, -1]);
    const encoded = encodeEmbedding([0.5, -1, 0.25], 'base64') as string;
    const bytes = Buffer.from(encoded, 'base64');
    expect([0, 4, 8].map((offset) => bytes.readFloatLE(offset))).toEqual([0.5, -1, 0.25]);
  });
});
