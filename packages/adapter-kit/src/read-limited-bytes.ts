/**
 * Reads a body's pieces into one byte array, at most `limit` bytes: one more and it stops reading
 * and throws `tooLarge(limit)`, so an oversized body is never buffered. Leaving the loop stops the
 * source (a fetch body is cancelled, an upstream call closed).
 */
export async function readLimitedBytes(
  body: AsyncIterable<Uint8Array> | null,
  limit: number,
  tooLarge: (limit: number) => Error,
): Promise<Uint8Array> {
  if (body === null) return new Uint8Array(0);
  const pieces: Uint8Array[] = [];
  let size = 0;
  for await (const piece of body) {
    size += piece.byteLength;
    if (size > limit) throw tooLarge(limit);
    pieces.push(piece);
  }
  if (pieces.length === 1) return pieces[0] as Uint8Array;
  const bytes = new Uint8Array(size);
  let offset = 0;
  for (const piece of pieces) {
    bytes.set(piece, offset);
    offset += piece.byteLength;
  }
  return bytes;
}
