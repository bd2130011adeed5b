/**
 * A vector as `POST /v1/embeddings` answers it: the numbers (`float`, the default), or `base64`
 * of their little-endian float32 bytes, the form the openai SDK asks for by default.
 *
 * @example
 * ```ts
 * encodeEmbedding([0.6, 0.8], 'base64'); // 'mpkZP83MTD8='
 * ```
 */
export function encodeEmbedding(
  vector: readonly number[],
  format: 'float' | 'base64' | null | undefined,
): number[] | string {
  if (format !== 'base64') return [...vector];
  const bytes = new DataView(new ArrayBuffer(vector.length * 4));
  for (const [i, value] of vector.entries()) bytes.setFloat32(i * 4, value, true);
  return Buffer.from(bytes.buffer).toString('base64');
}
