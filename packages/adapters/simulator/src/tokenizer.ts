import { sleep } from '@switchyard/protocol';

type Encoding = typeof import('gpt-tokenizer/encoding/o200k_base');

/**
 * Characters of one request counted exactly; the rest is extrapolated from them. BPE costs up to
 * ~5 µs per character of random letters, so this bounds a request's counting to a few hundred ms.
 */
const EXACT_COUNT_LIMIT = 64 * 1024;
/** Characters encoded between two yields to the event loop while counting. */
const YIELD_EVERY = 2 * 1024;
/**
 * BPE merges within a run of one character class (`aaaa…`, `!!!!…`, spaces), in time quadratic in
 * its length: 64 KiB of `a` took 2 s. Longer runs are cut into pieces of this size (counts change
 * by a token or so per cut); ordinary text has no such run.
 */
const MAX_RUN = 128;
const LONG_RUN = new RegExp(
  `[\\p{L}\\p{M}]{${MAX_RUN},}|[^\\s\\p{L}\\p{N}]{${MAX_RUN},}|\\s{${MAX_RUN},}`,
  'gu',
);
/**
 * Ordinary text is encoded in slices of about this many characters, cut before a space that
 * follows a non-space and precedes a letter: o200k_base never joins across such a space, so the
 * slices' tokens are exactly the whole text's.
 */
const SLICE = 4 * 1024;
const EXACT_CUT = /(?<=\S) (?=\p{L})/gu;
/** Only short texts (system prompts, tool definitions) are cached: the cache holds them alive. */
const CACHED_TEXT_LIMIT = 8 * 1024;
const CACHE_SIZE = 2_000;

/**
 * The most characters a token is assumed to span when cutting a text before encoding it: text
 * beyond `maxTokens * MAX_CHARS_PER_TOKEN` characters is never encoded.
 */
export const MAX_CHARS_PER_TOKEN = 16;

let loading: Promise<Encoding> | undefined;

/**
 * The o200k_base encoding (GPT-4o family), loaded on first use: importing its tables costs about
 * 300 ms, which a gateway should not pay at start-up. Call early to warm it up.
 */
export function loadTokenizer(): Promise<Encoding> {
  loading ??= import('gpt-tokenizer/encoding/o200k_base');
  return loading;
}

/** Where to cut `text` near `at` without splitting a surrogate pair. */
function cutAt(text: string, at: number): number {
  const code = text.charCodeAt(at);
  return code >= 0xdc00 && code <= 0xdfff ? at + 1 : at;
}

/** `text` (without long runs) in slices of about {@link SLICE} characters, cut exactly if it can. */
function* slices(text: string): Generator<string> {
  let start = 0;
  while (text.length - start > 4 * SLICE) {
    EXACT_CUT.lastIndex = start + SLICE;
    const cut = EXACT_CUT.exec(text);
    const end = cut && cut.index <= start + 4 * SLICE ? cut.index : cutAt(text, start + 4 * SLICE);
    yield text.slice(start, end);
    start = end;
  }
  yield text.slice(start);
}

/** `text` in pieces that BPE encodes in linear time and bounded size: long runs cut up. */
function* boundedPieces(text: string): Generator<string> {
  let start = 0;
  for (const match of text.matchAll(LONG_RUN)) {
    const end = match.index + match[0].length;
    if (match.index > start) yield* slices(text.slice(start, match.index));
    for (let at = match.index; at < end; ) {
      const next = Math.min(end, cutAt(text, at + MAX_RUN));
      yield text.slice(at, next);
      at = next;
    }
    start = end;
  }
  if (start < text.length) yield* slices(text.slice(start));
}

/**
 * Counts and splits text into tokens with work linear in the text and bounded per request, with a
 * small cache for repeated prompts.
 */
export class Tokenizer {
  readonly #encoding: Encoding;
  readonly #counts = new Map<string, number>();

  constructor(encoding: Encoding) {
    this.#encoding = encoding;
  }

  /** Token count of `text`; exact up to 64 KiB, extrapolated above (see {@link countAll}). */
  count(text: string, signal?: AbortSignal): Promise<number> {
    return this.countAll([text], signal);
  }

  /**
   * Total token count of `texts` (the texts of one request): their first 64 KiB are counted
   * exactly, the rest is extrapolated at the same tokens per character, so no request costs more
   * than 64 KiB of encoding. Yields to the event loop as it goes; stops when `signal` fires.
   */
  async countAll(texts: Iterable<string>, signal?: AbortSignal): Promise<number> {
    let budget = EXACT_COUNT_LIMIT;
    let counted = 0;
    let tokens = 0;
    let rest = 0;
    for (const text of texts) {
      const head = text.length <= budget ? text : text.slice(0, cutAt(text, budget));
      if (head !== '') tokens += await this.#exact(head, signal);
      counted += head.length;
      budget = Math.max(0, budget - head.length);
      rest += text.length - head.length;
    }
    return rest === 0 ? tokens : tokens + Math.ceil((rest * tokens) / counted);
  }

  async #exact(text: string, signal: AbortSignal | undefined): Promise<number> {
    const cached = this.#counts.get(text);
    if (cached !== undefined) return cached;
    let count = 0;
    let sinceYield = 0;
    for (const piece of boundedPieces(text)) {
      count += this.#encoding.countTokens(piece);
      sinceYield += piece.length;
      if (sinceYield >= YIELD_EVERY) {
        sinceYield = 0;
        await sleep(1, signal);
      }
    }
    if (text.length <= CACHED_TEXT_LIMIT) {
      if (this.#counts.size >= CACHE_SIZE) this.#counts.delete(this.#counts.keys().next().value as string);
      this.#counts.set(text, count);
    }
    return count;
  }

  /**
   * `text` as the strings of its first `maxTokens` tokens, for streaming one token per chunk. A
   * character split across tokens stays whole. Only the first `maxTokens * MAX_CHARS_PER_TOKEN`
   * characters are encoded; a longer text counts as cut (`truncated`).
   */
  split(text: string, maxTokens: number): { pieces: string[]; tokens: number; truncated: boolean } {
    if (text === '') return { pieces: [], tokens: 0, truncated: false };
    const limit = Math.max(0, maxTokens) * MAX_CHARS_PER_TOKEN;
    const clipped = text.length > limit;
    const all: number[] = [];
    for (const piece of boundedPieces(clipped ? text.slice(0, cutAt(text, limit)) : text)) {
      for (const token of this.#encoding.encode(piece)) all.push(token);
      if (all.length > maxTokens) break;
    }
    const truncated = clipped || all.length > maxTokens;
    const used = truncated ? all.slice(0, Math.max(0, maxTokens)) : all;
    const pieces: string[] = [];
    for (const piece of this.#encoding.decodeGenerator(used))
      if (piece !== '' && piece !== '\uFFFD') pieces.push(piece);
    return { pieces, tokens: used.length, truncated };
  }
}
