import { describe, expect, it } from 'vitest';
import { jsonTypeOf, validateJson } from './json-schema-validator.js';

const paths = (value: unknown, schema: unknown) =>
  validateJson(value, schema).map((v) => [v.path.join('.'), v.message]);

describe('JSON Schema validation', () => {
  const city = {
    type: 'object',
    properties: {
      city: { type: 'string', minLength: 2 },
      population: { type: 'integer', minimum: 0 },
      tags: { type: 'array', items: { type: 'string' }, maxItems: 2, uniqueItems: true },
      kind: { enum: ['capital', 'town'] },
    },
    required: ['city', 'population'],
    additionalProperties: false,
  };

  it('accepts a valid value', () => {
    expect(
      validateJson({ city: 'Paris', population: 2_100_000, tags: ['fr'], kind: 'capital' }, city),
    ).toEqual([]);
  });

  it('reports each violation at the path of the value at fault', () => {
    expect(
      paths({ city: 'P', population: 1.5, tags: ['a', 'a', 'b'], kind: 'village', extra: 1 }, city),
    ).toEqual([
      ['city', 'must have at least 2 characters'],
      ['population', 'must be integer (got number)'],
      ['tags', 'must have at most 2 items'],
      ['tags.1', 'duplicates an earlier item'],
      ['kind', 'must be one of "capital", "town"'],
      ['extra', 'unexpected property "extra"'],
    ]);
    expect(paths({ city: 'Paris' }, city)).toEqual([['', 'missing required property "population"']]);
    expect(paths([], city)).toEqual([['', 'must be object (got array)']]);
  });

  it('follows local $ref and combinators', () => {
    const schema = {
      $defs: { id: { type: 'string', pattern: '^[a-z]+$' } },
      type: 'object',
      properties: {
        id: { $ref: '#/$defs/id' },
        value: { anyOf: [{ type: 'string' }, { type: 'number', exclusiveMinimum: 0 }] },
        exact: { oneOf: [{ type: 'integer' }, { type: 'number' }] },
        no: { not: { const: 'x' } },
      },
    };
    expect(validateJson({ id: 'abc', value: 3, exact: 1.5, no: 'y' }, schema)).toEqual([]);
    expect(paths({ id: 'ABC', value: -1, exact: 1, no: 'x' }, schema)).toEqual([
      ['id', 'must match the pattern ^[a-z]+$'],
      ['value', 'must match at least one schema of anyOf'],
      ['exact', 'must match exactly one schema of oneOf (matches 2)'],
      ['no', 'must not match the schema in not'],
    ]);
    expect(paths(1, { $ref: '#/nope' })).toEqual([['', 'cannot resolve $ref #/nope']]);
  });

  it('handles tuples, nullable type lists, formats, numbers and recursion', () => {
    expect(
      paths([1, 'a', true], { prefixItems: [{ type: 'integer' }, { type: 'string' }], items: false }),
    ).toEqual([['2', 'unexpected item (at most 2 allowed)']]);
    expect(validateJson(null, { type: ['string', 'null'] })).toEqual([]);
    expect(paths('2024-13-01', { format: 'date' })).toEqual([['', 'must be a valid date']]);
    expect(paths(7, { multipleOf: 5, maximum: 6 })).toEqual([
      ['', 'must be <= 6'],
      ['', 'must be a multiple of 5'],
    ]);
    expect(validateJson(0.3, { multipleOf: 0.1 })).toEqual([]);
    const tree = { type: 'object', properties: { child: { $ref: '#' } } };
    expect(paths({ child: { child: { child: 1 } } }, tree)).toEqual([
      ['child.child.child', 'must be object (got integer)'],
    ]);
    expect(paths('x', { $ref: '#' })).toEqual([['', 'schema nesting too deep (circular $ref?)']]);
  });

  it('counts characters, not UTF-16 units, and knows integers', () => {
    expect(validateJson('🚀🚀', { maxLength: 2 })).toEqual([]);
    expect(jsonTypeOf(2)).toBe('integer');
    expect(jsonTypeOf(2.5)).toBe('number');
    expect(validateJson(2, { type: 'number' })).toEqual([]);
  });
});
