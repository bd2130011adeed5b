import { describe, expect, it } from 'vitest';
import { parseJsonText } from './parse-json-text.js';

describe('parseJsonText', () => {
  it('parses JSON and locates errors by line and column', () => {
    expect(parseJsonText('{"a": [1, 2]}')).toEqual({ ok: true, value: { a: [1, 2] } });
    const broken = parseJsonText('{\n  "a": 1,\n  "b": x\n}');
    expect(broken).toMatchObject({ ok: false, error: { line: 3, column: 8 } });
    expect(broken).toMatchObject({ error: { message: "Unexpected 'x'" } });
    expect(parseJsonText('{"a": ')).toMatchObject({ ok: false, error: { line: 1, column: 7 } });
    expect(parseJsonText('{"a": 1,}')).toMatchObject({
      error: { message: 'Trailing comma before }', column: 9 },
    });
    expect(parseJsonText("{'a': 1}")).toMatchObject({
      error: { message: 'Expected a property name in double quotes' },
    });
    expect(parseJsonText('[1 2]')).toMatchObject({
      error: { message: "Expected ',' or ']', found '2'", column: 4 },
    });
    expect(parseJsonText(String.raw`"a\nb"`)).toEqual({ ok: true, value: 'a\nb' });
    expect(parseJsonText('"a\nb"')).toMatchObject({
      error: { message: expect.stringContaining('Control character') },
    });
    expect(parseJsonText(String.raw`"a\qb"`)).toMatchObject({
      error: { message: String.raw`Bad escape \q` },
    });
    expect(parseJsonText('1 2')).toMatchObject({ error: { message: "Unexpected '2' after the JSON value" } });
    expect(parseJsonText('  ')).toMatchObject({
      ok: false,
      error: { message: 'Empty: enter a JSON value.' },
    });
  });
});
