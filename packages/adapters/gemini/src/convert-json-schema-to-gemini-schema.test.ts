import { BadRequestError } from '@switchyard/protocol';
import { describe, expect, it } from 'vitest';
import { convertJsonSchemaToGeminiSchema } from './convert-json-schema-to-gemini-schema.js';

const param = 'tools[0].function.parameters';

function convert(schema: unknown) {
  return convertJsonSchemaToGeminiSchema(schema, param);
}

describe('convertJsonSchemaToGeminiSchema', () => {
  it('converts a typical tool schema and drops keywords Gemini rejects', () => {
    expect(
      convert({
        $schema: 'http://json-schema.org/draft-07/schema#',
        type: 'object',
        properties: {
          city: { type: 'string', description: 'City name', minLength: 1 },
          unit: { type: 'string', enum: ['c', 'f'], default: 'c' },
          days: { type: 'integer', minimum: 1, maximum: 10, exclusiveMaximum: 11 },
        },
        required: ['city'],
        additionalProperties: false,
      }),
    ).toStrictEqual({
      type: 'OBJECT',
      properties: {
        city: { type: 'STRING', description: 'City name', minLength: 1 },
        unit: { type: 'STRING', enum: ['c', 'f'], default: 'c' },
        days: { type: 'INTEGER', minimum: 1, maximum: 10 },
      },
      required: ['city'],
    });
  });

  it('returns undefined for an object schema without properties, so parameters are left out', () => {
    expect(convert({ type: 'object', properties: {} })).toBeUndefined();
    expect(convert({ type: 'object', additionalProperties: false })).toBeUndefined();
    expect(convert(undefined)).toBeUndefined();
  });

  it('keeps a nested free-form object as a bare OBJECT', () => {
    expect(
      convert({ type: 'object', properties: { meta: { type: 'object', additionalProperties: true } } }),
    ).toStrictEqual({ type: 'OBJECT', properties: { meta: { type: 'OBJECT' } } });
  });

  it('turns null in a type list into nullable, and several types into anyOf', () => {
    expect(convert({ type: ['string', 'null'], description: 'maybe' })).toStrictEqual({
      type: 'STRING',
      description: 'maybe',
      nullable: true,
    });
    expect(convert({ type: ['string', 'integer'], description: 'either' })).toStrictEqual({
      description: 'either',
      anyOf: [{ type: 'STRING' }, { type: 'INTEGER' }],
    });
  });

  it('turns anyOf with a null branch into a nullable schema', () => {
    expect(convert({ anyOf: [{ type: 'number' }, { type: 'null' }], description: 'temp' })).toStrictEqual({
      type: 'NUMBER',
      description: 'temp',
      nullable: true,
    });
    expect(convert({ anyOf: [{ type: 'number' }, { type: 'string' }, { type: 'null' }] })).toStrictEqual({
      anyOf: [{ type: 'NUMBER' }, { type: 'STRING' }],
      nullable: true,
    });
  });

  it('maps oneOf to anyOf', () => {
    expect(convert({ oneOf: [{ type: 'string' }, { type: 'boolean' }] })).toStrictEqual({
      anyOf: [{ type: 'STRING' }, { type: 'BOOLEAN' }],
    });
  });

  it('maps const and string enums to a string enum, other enums to a description', () => {
    expect(convert({ const: 'fixed' })).toStrictEqual({ type: 'STRING', enum: ['fixed'] });
    expect(convert({ enum: ['a', null] })).toStrictEqual({ type: 'STRING', enum: ['a'], nullable: true });
    expect(convert({ type: 'integer', enum: [1, 2, 3], description: 'Level.' })).toStrictEqual({
      type: 'INTEGER',
      description: 'Level. Allowed values: 1, 2, 3.',
    });
  });

  it('keeps only the formats Gemini accepts', () => {
    expect(convert({ type: 'string', format: 'date-time' })).toStrictEqual({
      type: 'STRING',
      format: 'date-time',
    });
    expect(convert({ type: 'string', format: 'email' })).toStrictEqual({ type: 'STRING' });
    expect(convert({ type: 'number', format: 'double' })).toStrictEqual({ type: 'NUMBER', format: 'double' });
  });

  it('converts arrays, tuples and examples', () => {
    expect(
      convert({ type: 'array', items: { type: 'string' }, minItems: 1, maxItems: 3, examples: [['a']] }),
    ).toStrictEqual({ type: 'ARRAY', items: { type: 'STRING' }, minItems: 1, maxItems: 3, example: ['a'] });
    expect(convert({ type: 'array', prefixItems: [{ type: 'string' }, { type: 'number' }] })).toStrictEqual({
      type: 'ARRAY',
      items: { anyOf: [{ type: 'STRING' }, { type: 'NUMBER' }] },
    });
  });

  it('inlines local $refs, with sibling keywords winning', () => {
    expect(
      convert({
        type: 'object',
        $defs: { point: { type: 'object', properties: { x: { type: 'number' } }, required: ['x'] } },
        properties: {
          from: { $ref: '#/$defs/point', description: 'Start' },
          to: { $ref: '#/definitions/point' },
        },
        definitions: { point: { type: 'object', properties: { y: { type: 'number' } } } },
      }),
    ).toStrictEqual({
      type: 'OBJECT',
      properties: {
        from: {
          type: 'OBJECT',
          description: 'Start',
          properties: { x: { type: 'NUMBER' } },
          required: ['x'],
        },
        to: { type: 'OBJECT', properties: { y: { type: 'NUMBER' } } },
      },
    });
  });

  it('merges allOf into one object schema', () => {
    expect(
      convert({
        allOf: [
          { type: 'object', properties: { a: { type: 'string' } }, required: ['a'] },
          { properties: { b: { type: 'boolean' } }, required: ['b'] },
        ],
      }),
    ).toStrictEqual({
      type: 'OBJECT',
      properties: { a: { type: 'STRING' }, b: { type: 'BOOLEAN' } },
      required: ['a', 'b'],
    });
  });

  it('drops required entries that name no property', () => {
    expect(
      convert({ type: 'object', properties: { a: { type: 'string' } }, required: ['a', 'ghost'] }),
    ).toStrictEqual({ type: 'OBJECT', properties: { a: { type: 'STRING' } }, required: ['a'] });
  });

  it('rejects recursive, remote and unresolvable refs with a 400 naming the parameter', () => {
    const recursive = {
      type: 'object',
      properties: { node: { $ref: '#/$defs/node' } },
      $defs: { node: { type: 'object', properties: { next: { $ref: '#/$defs/node' } } } },
    };
    for (const schema of [
      recursive,
      { type: 'object', properties: { a: { $ref: 'https://example.com/a.json' } } },
      { type: 'object', properties: { a: { $ref: '#/$defs/missing' } } },
      { type: 'object', properties: { a: { type: 'date' } } },
    ]) {
      let caught: unknown;
      try {
        convert(schema);
      } catch (error) {
        caught = error;
      }
      expect(BadRequestError.isInstance(caught)).toBe(true);
      expect((caught as BadRequestError).param).toBe(param);
      expect((caught as BadRequestError).status).toBe(400);
    }
  });
});
