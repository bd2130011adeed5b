import { describe, expect, it } from 'vitest';
import { createUtf8PieceDecoder } from './utf8-pieces.js';

const TEXT = 'a é € 𝄞 ﻿z — naïve 漢字 🙂🙂 end';

function decodeIn(bytes: Uint8Array, cuts: number[]): string {
  const decoder = createUtf8PieceDecoder();
  let out = '';
  let from = 0;
  for (const cut of [...cuts, bytes.length]) {
    out += decoder.decode(bytes.subarray(from, cut));
    from = cut;
  }
  return out + decoder.end();
}

describe('createUtf8PieceDecoder', () => {
  const bytes = new TextEncoder().encode(TEXT);

  it('gives the same text wherever the pieces are cut (one cut, two cuts, byte by byte)', () => {
    for (let a = 0; a <= bytes.length; a++) {
      expect(decodeIn(bytes, [a])).toBe(TEXT);
      for (let b = a; b <= bytes.length; b += 3) expect(decodeIn(bytes, [a, b])).toBe(TEXT);
    }
    expect(
      decodeIn(
        bytes,
        Array.from({ length: bytes.length }, (_, i) => i),
      ),
    ).toBe(TEXT);
  });

  it('drops a byte order mark at the start of the stream only', () => {
    const withBom = new Uint8Array([0xef, 0xbb, 0xbf, ...bytes]);
    expect(decodeIn(withBom, [3])).toBe(TEXT);
    expect(decodeIn(withBom, [10, 20])).toBe(TEXT);
    const decoder = createUtf8PieceDecoder();
    expect(decoder.decode(new TextEncoder().encode('a'))).toBe('a');
    expect(decoder.decode(new Uint8Array([0xef, 0xbb, 0xbf, 0x62]))).toBe('\uFEFFb');
  });

  it('turns a character the stream never finishes, and invalid bytes, into U+FFFD as TextDecoder does', () => {
    const cut = bytes.subarray(0, bytes.indexOf(0xf0) + 2);
    const reference = new TextDecoder().decode(cut);
    expect(decodeIn(cut, [1])).toBe(reference);
    const invalid = new Uint8Array([0x61, 0x80, 0x80, 0xff, 0x62, 0xe2, 0x28, 0xa1, 0x63]);
    const expected = new TextDecoder().decode(invalid);
    for (let a = 0; a <= invalid.length; a++) expect(decodeIn(invalid, [a])).toBe(expected);
  });
});
