const WHITESPACE = ' \t\n\r';
const ESCAPES = '"\\/bfnrt';
const NUMBER = /-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?/y;
const HEX4 = /[0-9a-fA-F]{4}/y;

/** Thrown inside the scanner at the first character a JSON parser rejects. */
class Stop {}

/**
 * A JSON syntax checker that knows where it stopped: `JSON.parse` on Node 20 often names the bad
 * token without its position, and a config error must point at a line and column.
 */
class JsonScanner {
  #at = 0;
  constructor(readonly text: string) {}

  /** The offset of the first character that makes the text invalid JSON; undefined when valid. */
  errorOffset(): number | undefined {
    try {
      this.#value();
      this.#space();
      if (this.#at < this.text.length) throw new Stop();
      return undefined;
    } catch (error) {
      if (error instanceof Stop || error instanceof RangeError) return this.#at;
      throw error;
    }
  }

  #space(): void {
    while (WHITESPACE.includes(this.text[this.#at] ?? 'x')) this.#at++;
  }

  #expect(char: string): void {
    if (this.text[this.#at] !== char) throw new Stop();
    this.#at++;
  }

  #sticky(pattern: RegExp): void {
    pattern.lastIndex = this.#at;
    if (!pattern.test(this.text)) throw new Stop();
    this.#at = pattern.lastIndex;
  }

  #value(): void {
    this.#space();
    const char = this.text[this.#at];
    if (char === '{') this.#members('}', this.#member);
    else if (char === '[') this.#members(']', () => this.#value());
    else if (char === '"') this.#string();
    else if (char === 't' || char === 'f' || char === 'n') {
      for (const expected of char === 't' ? 'true' : char === 'f' ? 'false' : 'null') this.#expect(expected);
    } else this.#sticky(NUMBER);
  }

  readonly #member = (): void => {
    this.#string();
    this.#space();
    this.#expect(':');
    this.#value();
  };

  #members(close: string, member: () => void): void {
    this.#at++;
    this.#space();
    if (this.text[this.#at] === close) {
      this.#at++;
      return;
    }
    for (;;) {
      this.#space();
      member();
      this.#space();
      if (this.text[this.#at] !== ',') break;
      this.#at++;
    }
    this.#expect(close);
  }

  #string(): void {
    this.#expect('"');
    for (;;) {
      const char = this.text[this.#at];
      if (char === undefined || char.charCodeAt(0) < 0x20) throw new Stop();
      this.#at++;
      if (char === '"') return;
      if (char !== '\\') continue;
      if (this.text[this.#at] === 'u') {
        this.#at++;
        this.#sticky(HEX4);
      } else if (ESCAPES.includes(this.text[this.#at] ?? 'x')) this.#at++;
      else throw new Stop();
    }
  }
}

/** Where and what a JSON syntax error is. */
export interface JsonSyntaxError {
  /** 1-based. */
  readonly line: number;
  /** 1-based. */
  readonly column: number;
  /** What was found there, without quoting the text around it (a config may hold secrets). */
  readonly found: string;
}

/** The first JSON syntax error in `text`, or undefined when it parses. */
export function findJsonSyntaxError(text: string): JsonSyntaxError | undefined {
  const offset = new JsonScanner(text).errorOffset();
  if (offset === undefined) return undefined;
  const before = text.slice(0, offset);
  const char = text[offset];
  return {
    line: before.split('\n').length,
    column: offset - (before.lastIndexOf('\n') + 1) + 1,
    found: char === undefined ? 'the end of the file' : `unexpected ${JSON.stringify(char)}`,
  };
}
