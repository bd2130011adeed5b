const STREAM = { stream: true } as const;

/** Decodes a byte stream that arrives in pieces as UTF-8 text. */
export interface Utf8PieceDecoder {
  /** The text of the next piece; a character split between pieces comes out whole, with the later one. */
  decode(bytes: Uint8Array): string;
  /** The end of the stream: a character left unfinished comes out as U+FFFD. */
  end(): string;
}

/**
 * A UTF-8 decoder for network pieces. `TextDecoder` in streaming mode is several times slower than
 * a one-shot decode, so a piece that ends on a character boundary (nearly every piece) is decoded
 * in one shot; a piece that ends inside a character, and the piece after it, go through the
 * streaming decoder. As with one streaming `TextDecoder`, a byte order mark is dropped at the start
 * of the stream only.
 */
export function createUtf8PieceDecoder(): Utf8PieceDecoder {
  const streaming = new TextDecoder();
  const oneShot = new TextDecoder('utf-8', { ignoreBOM: true });
  // True once the stream has started and the streaming decoder holds no part of a character.
  let clean = false;
  return {
    decode(bytes) {
      if (bytes.length === 0) return '';
      const whole = endsOnBoundary(bytes);
      if (clean && whole) return oneShot.decode(bytes);
      clean = whole;
      return streaming.decode(bytes, STREAM);
    },
    end: () => streaming.decode(),
  };
}

/**
 * True when `bytes` certainly ends after a whole character (or an invalid sequence a decoder
 * replaces at once): its last ASCII or lead byte is followed by all its continuation bytes. False
 * when a character is cut, or when the piece is too short to tell.
 */
function endsOnBoundary(bytes: Uint8Array): boolean {
  for (let i = bytes.length - 1, seen = 1; i >= 0 && seen <= 4; i--, seen++) {
    const byte = bytes[i] as number;
    if (byte < 0x80) return true;
    if (byte >= 0xc0) return seen >= (byte >= 0xf0 ? 4 : byte >= 0xe0 ? 3 : 2);
  }
  return false;
}
