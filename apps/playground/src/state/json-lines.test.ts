import { describe, expect, it } from 'vitest';
import { formatJsonPath, prettyJsonLines, violationsByLine } from './json-lines.js';
import { validateJson } from './json-schema-validator.js';

describe('pretty JSON lines', () => {
  const value = { city: 'Paris', tags: ['a', { deep: [] }], empty: {}, n: null };

  it('prints exactly what JSON.stringify(value, null, 2) prints', () => {
    const lines = prettyJsonLines(value);
    expect(lines.map((l) => l.text).join('\n')).toBe(JSON.stringify(value, null, 2));
    expect(prettyJsonLines('x').map((l) => l.text)).toEqual(['"x"']);
  });

  it('marks each violation on the line that shows the value at fault', () => {
    const schema = {
      type: 'object',
      properties: { city: { type: 'integer' }, tags: { type: 'array', items: { type: 'string' } } },
      required: ['country'],
    };
    const lines = prettyJsonLines(value);
    const marks = violationsByLine(lines, validateJson(value, schema));
    const marked = lines
      .map((line, i) => [line.text.trim(), marks[i]])
      .filter(([, m]) => (m as string[]).length > 0);
    expect(marked).toEqual([
      ['{', ['missing required property "country"']],
      ['"city": "Paris",', ['must be integer (got string)']],
      ['{', ['must be string (got object)']],
    ]);
  });

  it('renders paths for people', () => {
    expect(formatJsonPath(['items', 2, 'first name'])).toBe('$.items[2]["first name"]');
  });
});
