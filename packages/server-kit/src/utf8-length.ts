type ByteLength = (text: string, encoding: 'utf8') => number;

/** Node's (and Bun's, Deno's) native byte count, ~10× faster than a loop over the text. */
const nativeByteLength = (globalThis as { Buffer?: { byteLength?: ByteLength } }).Buffer?.byteLength;

/**
 * Bytes of `text` in UTF-8 as it is sent (a lone surrogate becomes U+FFFD, three bytes), counted
 * in JavaScript: the fallback where no `Buffer` exists.
 */
export function countUtf8(text: string): number {
  let bytes = text.length;
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    if (code < 0x80) continue;
    if (code < 0x800) bytes += 1;
    else if (code >= 0xd800 && code <= 0xdbff && isLowSurrogate(text.charCodeAt(i + 1))) {
      bytes += 2; // a pair: two units, four bytes
      i += 1;
    } else bytes += 2;
  }
  return bytes;
}

function isLowSurrogate(code: number): boolean {
  return code >= 0xdc00 && code <= 0xdfff;
}

/** Bytes of `text` in UTF-8, without encoding it. */
export const utf8Length: (text: string) => number = nativeByteLength
  ? (text) => nativeByteLength(text, 'utf8')
  : countUtf8;
