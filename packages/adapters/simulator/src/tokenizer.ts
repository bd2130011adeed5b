type Encoding = typeof import('gpt-tokenizer/encoding/o200k_base');

/** Texts longer than this are counted on a sample and extrapolated, to keep the event loop free. */
const EXACT_COUNT_LIMIT = 256 * 1024;
const SAMPLE = 64 * 1024;
const CACHE_SIZE = 2_000;

let loading: Promise<Encoding> | undefined;

/**
 * The o200k_base encoding (GPT-4o family), loaded on first use: importing its tables costs about
 * 300 ms, which a gateway should not pay at start-up. Call early to warm it up.
 */
export function loadTokenizer(): Promise<Encoding> {
  loading ??= import('gpt-tokenizer/encoding/o200k_base');
  return loading;
}

/** Counts and splits text into tokens, with a small cache for repeated prompts. */
export class Tokenizer {
  readonly #encoding: Encoding;
  readonly #counts = new Map<string, number>();

  constructor(encoding: Encoding) {
    this.#encoding = encoding;
  }

  /** Token count of `text`; exact up to 256 KiB, extrapolated from a 64 KiB sample above. */
  count(text: string): number {
    if (text === '') return 0;
    const cached = this.#counts.get(text);
    if (cached !== undefined) return cached;
    const count =
      text.length <= EXACT_COUNT_LIMIT
        ? this.#encoding.countTokens(text)
        : Math.ceil((this.#encoding.countTokens(text.slice(0, SAMPLE)) * text.length) / SAMPLE);
    if (this.#counts.size >= CACHE_SIZE) this.#counts.delete(this.#counts.keys().next().value as string);
    this.#counts.set(text, count);
    return count;
  }

  /**
   * `text` as the strings of its tokens, for streaming one token per chunk, cut after
   * `maxTokens` tokens when given. A character split across tokens stays whole.
   */
  split(
    text: string,
    maxTokens = Number.POSITIVE_INFINITY,
  ): { pieces: string[]; tokens: number; truncated: boolean } {
    if (text === '') return { pieces: [], tokens: 0, truncated: false };
    const all = this.#encoding.encode(text);
    const truncated = all.length > maxTokens;
    const used = truncated ? all.slice(0, Math.max(0, maxTokens)) : all;
    const pieces: string[] = [];
    for (const piece of this.#encoding.decodeGenerator(used))
      if (piece !== '' && piece !== '\uFFFD') pieces.push(piece);
    return { pieces, tokens: used.length, truncated };
  }
}
