import { countTokens, encode } from 'gpt-tokenizer/encoding/o200k_base';
import { beforeAll, describe, expect, it } from 'vitest';
import { loadTokenizer, MAX_CHARS_PER_TOKEN, Tokenizer } from './tokenizer.js';

type Encoding = Awaited<ReturnType<typeof loadTokenizer>>;

/** The real encoding, recording the length of every text it is asked to encode. */
function recording(encoding: Encoding): { encoding: Encoding; lengths: number[] } {
  const lengths: number[] = [];
  return {
    lengths,
    encoding: {
      ...encoding,
      countTokens: (text: Parameters<Encoding['countTokens']>[0]) => {
        lengths.push(typeof text === 'string' ? text.length : Number.POSITIVE_INFINITY);
        return encoding.countTokens(text);
      },
      encode: (text: string) => {
        lengths.push(text.length);
        return encoding.encode(text);
      },
    },
  };
}

const sum = (values: number[]) => values.reduce((a, b) => a + b, 0);
const PROSE =
  "The quick brown fox, who was (apparently) very quick, jumps over the lazy dog's back; then it runs!\n\n" +
  '  Indented   spaces, 12345 numbers,\tÜnïcödé, 日本語のテキスト, 😀 emoji and `code_like(x) => x + 1`. ';

let real: Encoding;
beforeAll(async () => {
  real = await loadTokenizer();
});

describe('Tokenizer', () => {
  it('counts and splits ordinary text exactly as the whole-text encoding does, in slices', async () => {
    const text = PROSE.repeat(300); // ~53 KB: several slices, within the exact budget
    const { encoding, lengths } = recording(real);
    const tokenizer = new Tokenizer(encoding);
    expect(await tokenizer.count(text)).toBe(countTokens(text));
    expect(lengths.length).toBeGreaterThan(3);
    expect(Math.max(...lengths)).toBeLessThanOrEqual(16 * 1024);
    const split = tokenizer.split(text, 100_000);
    expect(split).toMatchObject({ tokens: encode(text).length, truncated: false });
    expect(split.pieces.join('')).toBe(text);
  });

  it.each([
    ['200,000 × "a"', 'a'.repeat(200_000)],
    ['4 MiB × "a"', 'a'.repeat(4 * 1024 * 1024)],
    ['4 MiB of spaces', ' '.repeat(4 * 1024 * 1024)],
    ['4 MiB × "!"', '!'.repeat(4 * 1024 * 1024)],
  ])(
    '%s: encodes at most 64 KiB, in pieces of at most 128 characters (BPE is quadratic in a run)',
    async (_, text) => {
      const { encoding, lengths } = recording(real);
      const count = await new Tokenizer(encoding).count(text);
      expect(Math.max(...lengths)).toBeLessThanOrEqual(128);
      expect(sum(lengths)).toBeLessThanOrEqual(64 * 1024);
      // Close to the exact count (taken on a run short enough to count whole).
      const perChar = countTokens(text.slice(0, 4096)) / 4096;
      expect(count / (text.length * perChar)).toBeGreaterThan(0.9);
      expect(count / (text.length * perChar)).toBeLessThan(1.1);
    },
  );

  it('shares the 64 KiB exact budget among all the texts of a request', async () => {
    const { encoding, lengths } = recording(real);
    const texts = Array.from({ length: 16 }, (_, i) => `${i} ${PROSE.repeat(100)}`);
    const count = await new Tokenizer(encoding).countAll(texts);
    expect(sum(lengths)).toBeLessThanOrEqual(64 * 1024);
    const exact = sum(texts.map((text) => countTokens(text)));
    expect(Math.abs(count - exact) / exact).toBeLessThan(0.01);
  });

  it('splits a huge text by encoding only what max tokens can use', () => {
    const { encoding, lengths } = recording(real);
    const split = new Tokenizer(encoding).split('a'.repeat(4 * 1024 * 1024), 100);
    expect(split).toMatchObject({ tokens: 100, truncated: true });
    expect(sum(lengths)).toBeLessThanOrEqual(100 * MAX_CHARS_PER_TOKEN);
  });

  it('keeps the event loop responsive while counting 4 MB of letters', async () => {
    const text = 'qwertzuiopasdfghjklyxcvbnm'.repeat(160_000);
    let ticks = 0;
    const timer = setInterval(() => ticks++, 1);
    await new Tokenizer(real).count(text);
    clearInterval(timer);
    // Counting awaited timers in between: other work ran while it went on.
    expect(ticks).toBeGreaterThan(5);
  });
});
