import { describe, expect, it } from 'vitest';
import { lintJsonSchema } from './json-schema-lint.js';

describe('JSON Schema checks while typing', () => {
  it('says where the JSON is broken', () => {
    const { issues, schema } = lintJsonSchema('{\n  "type": "object",\n  "properties": {\n}');
    expect(schema).toBeUndefined();
    expect(issues).toHaveLength(1);
    expect(issues[0]).toMatchObject({
      severity: 'error',
      path: expect.stringMatching(/^line \d+, column \d+$/),
    });
  });

  it('flags the mistakes that get a schema rejected, with their paths', () => {
    const { issues } = lintJsonSchema(
      JSON.stringify({
        type: 'object',
        properties: {
          city: { type: 'strng' },
          tags: { type: 'array', items: { type: 'string', pattern: '[' } },
          ref: { $ref: '#/$defs/missing' },
        },
        required: ['city', 'country'],
        anyOf: [],
      }),
      { root: 'object' },
    );
    expect(issues.map((i) => [i.severity, i.path])).toEqual([
      ['warning', 'required'],
      ['error', 'properties.city.type'],
      ['error', 'properties.tags.items.pattern'],
      ['error', 'properties.ref.$ref'],
      ['error', 'anyOf'],
    ]);
  });

  it('asks for an object schema at the top of tool parameters', () => {
    expect(lintJsonSchema('[]').issues[0]?.message).toBe('A schema must be a JSON object.');
    expect(lintJsonSchema('{"type":"string"}', { root: 'object' }).issues[0]).toMatchObject({
      severity: 'error',
      path: 'type',
    });
    expect(lintJsonSchema('{}', { root: 'object' }).issues[0]?.severity).toBe('warning');
    expect(
      lintJsonSchema(
        '{"type":"object","$defs":{"a":{"type":"string"}},"properties":{"a":{"$ref":"#/$defs/a"}}}',
      ).issues,
    ).toEqual([]);
  });
});
