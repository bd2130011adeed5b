export interface JsonTextError {
  message: string;
  /** 1-based line and column of the error. */
  line: number;
  column: number;
}

export type JsonTextResult = { ok: true; value: unknown } | { ok: false; error: JsonTextError };

/**
 * Parses JSON typed by a user, reporting where it is broken. Engines word (and locate) JSON
 * errors differently, some not at all, so a small scanner finds the first error itself.
 */
export function parseJsonText(text: string): JsonTextResult {
  if (text.trim() === '')
    return { ok: false, error: { message: 'Empty: enter a JSON value.', line: 1, column: 1 } };
  try {
    return { ok: true, value: JSON.parse(text) };
  } catch {
    const { index, message } = new JsonScanner(text).firstError();
    const before = text.slice(0, index);
    const line = before.split('\n').length;
    return { ok: false, error: { message, line, column: index - before.lastIndexOf('\n') } };
  }
}

class ScanError extends Error {
  constructor(
    readonly index: number,
    message: string,
  ) {
    super(message);
  }
}

/** A validating JSON scanner that stops at the first error. */
class JsonScanner {
  #i = 0;
  constructor(readonly text: string) {}

  firstError(): { index: number; message: string } {
    try {
      this.#value();
      this.#space();
      if (this.#i < this.text.length) this.#fail(`Unexpected ${this.#describe()} after the JSON value`);
      return { index: this.#i, message: 'Invalid JSON' };
    } catch (error) {
      if (error instanceof ScanError) return { index: error.index, message: error.message };
      throw error;
    }
  }

  #fail(message: string): never {
    throw new ScanError(this.#i, message);
  }

  #describe(): string {
    const char = this.text[this.#i];
    return char === undefined ? 'end of input' : char === '\n' ? 'line break' : `'${char}'`;
  }

  #space(): void {
    while (/[ \t\n\r]/.test(this.text[this.#i] ?? '')) this.#i++;
  }

  #value(): void {
    this.#space();
    const char = this.text[this.#i];
    if (char === '{') this.#object();
    else if (char === '[') this.#array();
    else if (char === '"') this.#string();
    else if (char === '-' || (char !== undefined && char >= '0' && char <= '9')) this.#number();
    else this.#literal(char);
  }

  #literal(char: string | undefined): void {
    for (const word of ['true', 'false', 'null']) {
      if (this.text.startsWith(word, this.#i)) {
        this.#i += word.length;
        return;
      }
    }
    if (char === "'") this.#fail('Strings need double quotes');
    this.#fail(
      char === undefined ? 'Unexpected end of input: a value is missing' : `Unexpected ${this.#describe()}`,
    );
  }

  #object(): void {
    this.#i++;
    this.#space();
    if (this.text[this.#i] === '}') {
      this.#i++;
      return;
    }
    for (;;) {
      this.#space();
      if (this.text[this.#i] !== '"') {
        this.#fail(
          this.text[this.#i] === '}'
            ? 'Trailing comma before }'
            : 'Expected a property name in double quotes',
        );
      }
      this.#string();
      this.#space();
      if (this.text[this.#i] !== ':')
        this.#fail(`Expected ':' after the property name, found ${this.#describe()}`);
      this.#i++;
      this.#value();
      this.#space();
      const char = this.text[this.#i];
      this.#i++;
      if (char === '}') return;
      if (char !== ',') {
        this.#i--;
        this.#fail(`Expected ',' or '}', found ${this.#describe()}`);
      }
    }
  }

  #array(): void {
    this.#i++;
    this.#space();
    if (this.text[this.#i] === ']') {
      this.#i++;
      return;
    }
    for (;;) {
      this.#space();
      if (this.text[this.#i] === ']') this.#fail('Trailing comma before ]');
      this.#value();
      this.#space();
      const char = this.text[this.#i];
      this.#i++;
      if (char === ']') return;
      if (char !== ',') {
        this.#i--;
        this.#fail(`Expected ',' or ']', found ${this.#describe()}`);
      }
    }
  }

  #string(): void {
    this.#i++;
    for (;;) {
      const char = this.text[this.#i];
      if (char === undefined) this.#fail('Unterminated string');
      if (char === '"') {
        this.#i++;
        return;
      }
      if (char === '\n' || char < ' ')
        this.#fail('Control character (e.g. a line break) in a string: escape it');
      if (char === '\\') {
        const next = this.text[this.#i + 1] ?? '';
        if (next === 'u') {
          if (!/^[0-9a-fA-F]{4}$/.test(this.text.slice(this.#i + 2, this.#i + 6)))
            this.#fail('Bad \\u escape');
          this.#i += 6;
          continue;
        }
        if (!'"\\/bfnrt'.includes(next) || next === '') this.#fail(`Bad escape \\${next}`);
        this.#i += 2;
        continue;
      }
      this.#i++;
    }
  }

  #number(): void {
    const match = /^-?(0|[1-9]\d*)(\.\d+)?([eE][+-]?\d+)?/.exec(this.text.slice(this.#i));
    if (!match) this.#fail('Invalid number');
    this.#i += match[0].length;
  }
}
