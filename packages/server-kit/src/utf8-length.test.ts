import { describe, expect, it } from 'vitest';
import { countUtf8, utf8Length } from './utf8-length.js';

const encoded = (text: string) => new TextEncoder().encode(text).length;

const TEXTS = [
  '',
  'data: {"choices":[{"delta":{"content":"plain ASCII"}}]}\n\n',
  'café, naïve, Ωμέγα', // two-byte characters
  '日本語のテキスト', // three bytes each
  'emoji 😀 and 👍🏽 pairs', // surrogate pairs: four bytes
  'lone high \ud83d then text', // sent as U+FFFD
  'lone low \ude00 here',
  'ends on a high surrogate \ud83d',
  '\udc00\ud800 reversed pair',
];

describe('utf8Length', () => {
  for (const text of TEXTS) {
    it(`counts ${JSON.stringify(text)} as TextEncoder encodes it`, () => {
      expect(countUtf8(text)).toBe(encoded(text));
      expect(utf8Length(text)).toBe(encoded(text));
    });
  }
});
