import { Ajv } from 'ajv';
import { Ajv2020 } from 'ajv/dist/2020.js';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { generateFromSchema } from './json-schema-value.js';
import { seededRandom } from './seeded-random.js';

const ajv = new Ajv({ strict: false, allErrors: true, validateFormats: false });
const ajv2020 = new Ajv2020({ strict: false, allErrors: true, validateFormats: false });

function errors(schema: object, seed = 1, validator: Ajv | Ajv2020 = ajv): string {
  const value = generateFromSchema(schema, seededRandom(seed));
  const validate = validator.compile(schema);
  return validate(value) ? '' : `${JSON.stringify(value)}: ${ajv.errorsText(validate.errors)}`;
}

const schemas: Record<string, object> = {
  'empty object schema': { type: 'object' },
  'required and optional properties': {
    type: 'object',
    properties: { city: { type: 'string' }, days: { type: 'integer' }, metric: { type: 'boolean' } },
    required: ['city'],
    additionalProperties: false,
  },
  'enum and const': {
    type: 'object',
    properties: {
      unit: { enum: ['c', 'f'] },
      kind: { const: 'weather' },
      level: { type: 'integer', enum: [1, 2, 3] },
    },
    required: ['unit', 'kind', 'level'],
  },
  'number bounds': {
    type: 'object',
    properties: {
      a: { type: 'number', minimum: 10, maximum: 10.5 },
      b: { type: 'integer', exclusiveMinimum: 0, exclusiveMaximum: 2 },
      c: { type: 'number', minimum: -5, maximum: -5 },
      d: { type: 'integer', minimum: 1000 },
      e: { type: 'number', maximum: -1000 },
      f: { type: 'number', multipleOf: 0.01, minimum: 0.1, maximum: 0.2 },
      g: { type: 'integer', multipleOf: 7, minimum: 1, maximum: 20 },
      h: { type: 'integer', multipleOf: 2.5 },
    },
    required: ['a', 'b', 'c', 'd', 'e', 'f', 'g', 'h'],
  },
  'string lengths': {
    type: 'object',
    properties: {
      short: { type: 'string', maxLength: 3 },
      long: { type: 'string', minLength: 40 },
      exact: { type: 'string', minLength: 5, maxLength: 5 },
    },
    required: ['short', 'long', 'exact'],
  },
  'simple patterns': {
    type: 'object',
    properties: {
      digits: { type: 'string', pattern: '^[0-9]+$' },
      word: { type: 'string', pattern: '^[a-z]+$' },
      code: { type: 'string', pattern: '^[A-Z]{3}$', examples: ['EUR'] },
    },
    required: ['digits', 'word', 'code'],
  },
  arrays: {
    type: 'object',
    properties: {
      tags: { type: 'array', items: { type: 'string' }, minItems: 3, maxItems: 5, uniqueItems: true },
      none: { type: 'array', items: { type: 'integer' }, maxItems: 0 },
      legacyTuple: { type: 'array', items: [{ type: 'boolean' }, { type: 'null' }], additionalItems: false },
      flags: { type: 'array', items: { type: 'boolean' }, minItems: 2, uniqueItems: true },
    },
    required: ['tags', 'none', 'legacyTuple', 'flags'],
  },
  'nullable and union types': {
    type: 'object',
    properties: {
      maybe: { type: ['string', 'null'] },
      either: { anyOf: [{ type: 'null' }, { type: 'integer', minimum: 3, maximum: 3 }] },
      one: { oneOf: [{ type: 'string', maxLength: 2 }, { type: 'number' }] },
    },
    required: ['maybe', 'either', 'one'],
  },
  'refs, defs and allOf': {
    type: 'object',
    $defs: { address: { type: 'object', properties: { street: { type: 'string' } }, required: ['street'] } },
    definitions: { id: { type: 'string', minLength: 8 } },
    properties: {
      home: { $ref: '#/$defs/address' },
      id: { $ref: '#/definitions/id' },
      merged: {
        allOf: [
          { type: 'object', properties: { a: { type: 'integer' } }, required: ['a'] },
          { properties: { b: { type: 'string' } }, required: ['b'] },
        ],
      },
    },
    required: ['home', 'id', 'merged'],
  },
  'recursive tree': {
    type: 'object',
    $defs: {
      node: {
        type: 'object',
        properties: {
          name: { type: 'string' },
          children: { type: 'array', items: { $ref: '#/$defs/node' } },
        },
        required: ['name', 'children'],
      },
    },
    properties: { root: { $ref: '#/$defs/node' } },
    required: ['root'],
  },
  'objects with min properties and additional schemas': {
    type: 'object',
    properties: {
      bag: { type: 'object', additionalProperties: { type: 'integer' }, minProperties: 3 },
      strictBag: { type: 'object', required: ['x', 'y'], additionalProperties: { type: 'boolean' } },
    },
    required: ['bag', 'strictBag'],
  },
  'deeply nested': {
    type: 'object',
    properties: {
      a: {
        type: 'object',
        properties: {
          b: {
            type: 'object',
            properties: {
              c: {
                type: 'array',
                items: { type: 'object', properties: { d: { type: 'string' } }, required: ['d'] },
                minItems: 1,
              },
            },
            required: ['c'],
          },
        },
        required: ['b'],
      },
    },
    required: ['a'],
  },
};

describe('generateFromSchema', () => {
  for (const [name, schema] of Object.entries(schemas)) {
    it(`produces a valid value: ${name}`, () => {
      for (const seed of [1, 2, 3, 42, 1234]) expect(errors(schema, seed)).toBe('');
    });
  }

  it('produces valid draft 2020-12 tuples (prefixItems)', () => {
    const tuple = { type: 'array', prefixItems: [{ type: 'string' }, { type: 'integer' }], items: false };
    for (const seed of [1, 2, 3]) expect(errors(tuple, seed, ajv2020)).toBe('');
    expect((generateFromSchema(tuple, seededRandom(1)) as unknown[]).length).toBe(2);
  });

  it('respects draft-4 boolean exclusive bounds', () => {
    const schema = {
      type: 'integer',
      minimum: 1,
      exclusiveMinimum: true,
      maximum: 3,
      exclusiveMaximum: true,
    };
    for (const seed of [1, 2, 3, 4]) expect(generateFromSchema(schema, seededRandom(seed))).toBe(2);
  });

  it('produces well-formed values for common formats', () => {
    const value = generateFromSchema(
      {
        type: 'object',
        properties: Object.fromEntries(
          ['date-time', 'date', 'email', 'uri', 'uuid', 'ipv4'].map((format) => [
            format,
            { type: 'string', format },
          ]),
        ),
      },
      seededRandom(9),
    ) as Record<string, string>;
    expect(Number.isNaN(Date.parse(value['date-time'] as string))).toBe(false);
    expect(value.date).toMatch(/^\d{4}-\d{2}-\d{2}$/);
    expect(value.email).toMatch(/^[a-z]+@example\.com$/);
    expect(() => new URL(value.uri as string)).not.toThrow();
    expect(value.uuid).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(value.ipv4).toMatch(/^192\.0\.2\.\d{1,3}$/);
  });

  it('is deterministic for a seed and varies across seeds', () => {
    const schema = schemas['required and optional properties'] as object;
    expect(generateFromSchema(schema, seededRandom(5))).toStrictEqual(
      generateFromSchema(schema, seededRandom(5)),
    );
    const values = new Set(
      [1, 2, 3, 4, 5, 6].map((seed) => JSON.stringify(generateFromSchema(schema, seededRandom(seed)))),
    );
    expect(values.size).toBeGreaterThan(1);
  });

  it('produces valid values for random schemas (property test)', () => {
    const leaf = fc.oneof(
      fc
        .record({ type: fc.constant('string'), minLength: fc.nat(10), extra: fc.nat(10) })
        .map(({ minLength, extra }) => ({
          type: 'string',
          minLength,
          maxLength: minLength + extra,
        })),
      fc
        .record({
          type: fc.constantFrom('integer', 'number'),
          low: fc.integer({ min: -1000, max: 1000 }),
          span: fc.nat(1000),
        })
        .map(({ type, low, span }) => ({ type, minimum: low, maximum: low + span })),
      fc.constant({ type: 'boolean' }),
      fc.constant({ type: 'null' }),
      fc.uniqueArray(fc.string(), { minLength: 1, maxLength: 4 }).map((values) => ({ enum: values })),
    );
    const schema = fc.letrec<{ node: object }>((tie) => ({
      node: fc.oneof(
        { maxDepth: 4, depthIdentifier: 'schema' },
        leaf,
        fc.record({ item: tie('node'), min: fc.nat(3), extra: fc.nat(3) }).map(({ item, min, extra }) => ({
          type: 'array',
          items: item,
          minItems: min,
          maxItems: min + extra,
        })),
        fc.dictionary(fc.stringMatching(/^[a-z]{1,8}$/), tie('node'), { maxKeys: 4 }).chain((properties) =>
          fc.subarray(Object.keys(properties)).map((required) => ({
            type: 'object',
            properties,
            required,
            additionalProperties: false,
          })),
        ),
      ),
    })).node;
    fc.assert(
      fc.property(schema, fc.integer(), (s, seed) => {
        expect(errors(s, seed)).toBe('');
      }),
      { numRuns: 150 },
    );
  });
});
