import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { findJsonSyntaxError } from './json-syntax-error.js';

describe('findJsonSyntaxError', () => {
  it('agrees with JSON.parse on what is valid, for JSON and for JSON with one character changed', () => {
    const mutated = fc
      .tuple(fc.json(), fc.nat(), fc.constantFrom(',', '}', ']', '"', ':', '\\', ' ', 'x', '0', '', '\n'))
      .map(([text, at, char]) => {
        const i = text.length === 0 ? 0 : at % text.length;
        return text.slice(0, i) + char + text.slice(i + 1);
      });
    fc.assert(
      fc.property(fc.oneof(fc.json(), mutated), (text) => {
        let valid = true;
        try {
          JSON.parse(text);
        } catch {
          valid = false;
        }
        expect(findJsonSyntaxError(text) === undefined).toBe(valid);
      }),
      { numRuns: 2000 },
    );
  });

  it('points at the line and column of the first bad character, without quoting the text', () => {
    expect(findJsonSyntaxError('{\n  "a": 1,\n}')).toStrictEqual({
      line: 3,
      column: 1,
      found: 'unexpected "}"',
    });
    expect(findJsonSyntaxError('{"key": "sk-secret"')).toStrictEqual({
      line: 1,
      column: 20,
      found: 'the end of the file',
    });
    expect(findJsonSyntaxError('[01]')).toMatchObject({ line: 1, column: 3 });
    expect(findJsonSyntaxError('"\\u12G4"')).toMatchObject({ line: 1, column: 4 });
  });
});
