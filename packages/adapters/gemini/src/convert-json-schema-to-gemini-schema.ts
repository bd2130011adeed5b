import type { GeminiSchema } from './gemini-api-types.js';
import { invalidRequest } from './gemini-error.js';

type JsonSchema = Record<string, unknown>;
type GeminiType = NonNullable<GeminiSchema['type']>;

const TYPES: Record<string, GeminiType> = {
  string: 'STRING',
  number: 'NUMBER',
  integer: 'INTEGER',
  boolean: 'BOOLEAN',
  array: 'ARRAY',
  object: 'OBJECT',
  null: 'NULL',
};

// Gemini rejects any other `format` (the Developer API allows only these per type).
const FORMATS: Partial<Record<GeminiType, readonly string[]>> = {
  STRING: ['enum', 'date-time'],
  NUMBER: ['float', 'double'],
  INTEGER: ['int32', 'int64'],
};

const COPIED_NUMBERS = [
  'minItems',
  'maxItems',
  'minProperties',
  'maxProperties',
  'minLength',
  'maxLength',
  'minimum',
  'maximum',
] as const;

interface Context {
  readonly root: JsonSchema;
  readonly param: string;
  /** `$ref`s being expanded, to reject recursive schemas instead of looping. */
  readonly expanding: string[];
}

/**
 * Converts a JSON Schema (as sent in `tools[].function.parameters` or `response_format`) into the
 * OpenAPI 3.0 subset Gemini accepts: local `$ref`s are inlined, `allOf` is merged, `oneOf` becomes
 * `anyOf`, `null` in a type list or an `anyOf` becomes `nullable`, `const` becomes a one-value enum,
 * and keywords Gemini rejects (`additionalProperties`, `$schema`, `not`, …) are dropped.
 * Returns `undefined` for an object schema without properties, which Gemini wants left out.
 * Throws a `BadRequestError` naming `param` for schemas Gemini cannot express (recursion, remote refs).
 */
export function convertJsonSchemaToGeminiSchema(schema: unknown, param: string): GeminiSchema | undefined {
  if (schema === undefined || schema === null) return undefined;
  if (!isObject(schema)) {
    throw invalidRequest(`${param} must be a JSON Schema object.`, param);
  }
  const converted = convert(schema, { root: schema, param, expanding: [] });
  if (converted.type === 'OBJECT' && isEmptyObject(converted.properties) && !converted.nullable) {
    return undefined;
  }
  return converted;
}

function convert(input: unknown, context: Context): GeminiSchema {
  if (input === true) return {};
  if (!isObject(input)) {
    throw invalidRequest(
      `${context.param} contains a schema Gemini cannot express (${JSON.stringify(input)}).`,
      context.param,
    );
  }
  const ref = input.$ref;
  if (typeof ref === 'string') return convertRef(ref, input, context);

  const schema = Array.isArray(input.allOf) ? mergeAllOf(input, context) : input;
  const alternatives = Array.isArray(schema.anyOf) ? schema.anyOf : schema.oneOf;
  if (Array.isArray(alternatives)) return convertAnyOf(schema, alternatives, context);

  const types = readTypes(schema, context);
  const nullable = types.includes('null');
  const nonNull = types.filter((type) => type !== 'null');
  if (nonNull.length > 1) {
    const { title: _title, description: _description, default: _default, ...constraints } = schema;
    return {
      ...annotations(schema),
      anyOf: nonNull.map((type) => convertSingle(constraints, type, context)),
      ...(nullable ? { nullable: true } : {}),
    };
  }
  const type = nonNull[0] ?? (nullable ? 'null' : undefined);
  const result = convertSingle(schema, type, context);
  if (nullable && type !== 'null') result.nullable = true;
  return result;
}

function convertSingle(schema: JsonSchema, type: string | undefined, context: Context): GeminiSchema {
  const result: GeminiSchema = annotations(schema);
  const allowed = enumValues(schema);
  let geminiType = type === undefined ? undefined : TYPES[type];
  if (geminiType === undefined && allowed?.every((value) => typeof value === 'string' || value === null)) {
    geminiType = 'STRING';
  }
  if (geminiType) result.type = geminiType;

  if (allowed) {
    const values = allowed.filter((value) => value !== null);
    if (values.length < allowed.length) result.nullable = true;
    if (values.every((value) => typeof value === 'string')) {
      result.enum = values as string[];
    } else {
      // Gemini enums are strings only; keep the constraint visible to the model instead.
      const list = values.map((value) => JSON.stringify(value)).join(', ');
      result.description = [result.description, `Allowed values: ${list}.`].filter(Boolean).join(' ');
    }
  }

  const format = schema.format;
  if (typeof format === 'string' && geminiType && FORMATS[geminiType]?.includes(format))
    result.format = format;
  if (typeof schema.pattern === 'string') result.pattern = schema.pattern;
  for (const key of COPIED_NUMBERS) {
    const value = schema[key];
    if (typeof value === 'number') result[key] = value;
  }

  if (isObject(schema.properties)) {
    const properties: Record<string, GeminiSchema> = {};
    for (const [name, value] of Object.entries(schema.properties)) {
      properties[name] = convert(value, context);
    }
    result.properties = properties;
    if (Array.isArray(schema.required)) {
      // Gemini rejects `required` entries that name no property.
      const required = schema.required.filter(
        (name): name is string => typeof name === 'string' && Object.hasOwn(properties, name),
      );
      if (required.length > 0) result.required = required;
    }
    if (Array.isArray(schema.propertyOrdering)) {
      result.propertyOrdering = schema.propertyOrdering.filter(
        (name): name is string => typeof name === 'string',
      );
    }
  }

  const items = Array.isArray(schema.prefixItems) ? schema.prefixItems : schema.items;
  if (Array.isArray(items)) {
    const converted = items.map((item) => convert(item, context));
    if (converted.length === 1) result.items = converted[0];
    else if (converted.length > 1) result.items = { anyOf: converted };
  } else if (items !== undefined && items !== false) {
    result.items = convert(items, context);
  }
  return result;
}

function convertAnyOf(schema: JsonSchema, alternatives: unknown[], context: Context): GeminiSchema {
  const isNull = (value: unknown) =>
    isObject(value) && value.type === 'null' && Object.keys(value).length === 1;
  const nonNull = alternatives.filter((value) => !isNull(value));
  const nullable = nonNull.length < alternatives.length;
  const own = annotations(schema);
  let result: GeminiSchema;
  if (nonNull.length === 1) {
    result = { ...convert(nonNull[0], context), ...own };
  } else {
    result = { ...own, anyOf: nonNull.map((value) => convert(value, context)) };
  }
  if (nullable) result.nullable = true;
  return result;
}

function convertRef(ref: string, schema: JsonSchema, context: Context): GeminiSchema {
  if (context.expanding.includes(ref)) {
    throw invalidRequest(
      `${context.param} is recursive (${ref}); Gemini schemas cannot express recursion.`,
      context.param,
    );
  }
  const target = resolveRef(ref, context);
  const { $ref: _ignored, ...siblings } = schema;
  context.expanding.push(ref);
  try {
    const merged = Object.keys(siblings).length > 0 ? mergeSchemas(siblings, target) : target;
    return convert(merged, context);
  } finally {
    context.expanding.pop();
  }
}

function resolveRef(ref: string, context: Context): unknown {
  if (ref === '#') return context.root;
  if (!ref.startsWith('#/')) {
    throw invalidRequest(
      `${context.param} uses a non-local $ref (${ref}); only references into the same schema are supported.`,
      context.param,
    );
  }
  let current: unknown = context.root;
  for (const raw of ref.slice(2).split('/')) {
    const key = decodeURIComponent(raw).replaceAll('~1', '/').replaceAll('~0', '~');
    current = isObject(current) && Object.hasOwn(current, key) ? current[key] : undefined;
  }
  if (current === undefined) {
    throw invalidRequest(`${context.param} has an unresolvable $ref (${ref}).`, context.param);
  }
  return current;
}

function mergeAllOf(schema: JsonSchema, context: Context): JsonSchema {
  const { allOf, ...rest } = schema;
  let merged: JsonSchema = rest;
  for (const part of allOf as unknown[]) {
    let resolved = part;
    while (isObject(resolved) && typeof resolved.$ref === 'string') {
      const { $ref, ...siblings } = resolved;
      if (context.expanding.includes($ref)) break;
      resolved = mergeSchemas(siblings, resolveRef($ref, context));
    }
    if (!isObject(resolved)) {
      throw invalidRequest(`${context.param} has an allOf entry that is not a schema object.`, context.param);
    }
    merged = mergeSchemas(merged, resolved);
  }
  return Array.isArray(merged.allOf) ? mergeAllOf(merged, context) : merged;
}

/** Shallow merge for `allOf` and `$ref` siblings: properties and `required` are united, else `primary` wins. */
function mergeSchemas(primary: JsonSchema, secondary: unknown): JsonSchema {
  const other: JsonSchema = isObject(secondary) ? secondary : {};
  const merged: JsonSchema = { ...other, ...primary };
  if (isObject(primary.properties) || isObject(other.properties)) {
    merged.properties = { ...asObject(other.properties), ...asObject(primary.properties) };
  }
  const required = [primary.required, other.required].flatMap((value) => (Array.isArray(value) ? value : []));
  if (required.length > 0) merged.required = [...new Set(required)];
  return merged;
}

function asObject(value: unknown): JsonSchema {
  return isObject(value) ? value : {};
}

function readTypes(schema: JsonSchema, context: Context): string[] {
  const type = schema.type;
  const list = Array.isArray(type) ? type : type === undefined ? [] : [type];
  for (const value of list) {
    if (typeof value !== 'string' || !(value in TYPES)) {
      throw invalidRequest(
        `${context.param} has an unknown JSON Schema type ${JSON.stringify(value)}.`,
        context.param,
      );
    }
  }
  return list as string[];
}

function enumValues(schema: JsonSchema): unknown[] | undefined {
  if (Array.isArray(schema.enum)) return schema.enum;
  if ('const' in schema) return [schema.const];
  return undefined;
}

function annotations(schema: JsonSchema): GeminiSchema {
  const result: GeminiSchema = {};
  if (typeof schema.title === 'string') result.title = schema.title;
  if (typeof schema.description === 'string') result.description = schema.description;
  if ('default' in schema) result.default = schema.default;
  if (Array.isArray(schema.examples) && schema.examples.length > 0) result.example = schema.examples[0];
  else if ('example' in schema) result.example = schema.example;
  return result;
}

function isEmptyObject(value: object | undefined): boolean {
  return value === undefined || Object.keys(value).length === 0;
}

function isObject(value: unknown): value is JsonSchema {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
