import { jsonEqual } from './json-equal.js';

/** A location in a JSON value: property names and array indexes from the root. */
export type JsonPath = readonly (string | number)[];

export interface SchemaViolation {
  path: JsonPath;
  message: string;
}

type Schema = Record<string, unknown> | boolean;

const FORMATS: Readonly<Record<string, RegExp>> = {
  'date-time': /^\d{4}-\d{2}-\d{2}[Tt ]\d{2}:\d{2}:\d{2}(\.\d+)?([Zz]|[+-]\d{2}:\d{2})$/,
  date: /^\d{4}-(0[1-9]|1[0-2])-(0[1-9]|[12]\d|3[01])$/,
  time: /^\d{2}:\d{2}:\d{2}(\.\d+)?([Zz]|[+-]\d{2}:\d{2})?$/,
  email: /^[^\s@]+@[^\s@]+\.[^\s@]+$/,
  uri: /^[A-Za-z][A-Za-z0-9+.-]*:[^\s]*$/,
  uuid: /^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$/,
  ipv4: /^((25[0-5]|2[0-4]\d|1?\d?\d)\.){3}(25[0-5]|2[0-4]\d|1?\d?\d)$/,
  hostname:
    /^(?=.{1,253}$)[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?(\.[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?)*$/,
};

/** The JSON type name of a value, with `integer` for whole numbers. */
export function jsonTypeOf(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'array';
  if (typeof value === 'number') return Number.isInteger(value) ? 'integer' : 'number';
  return typeof value;
}

function matchesType(value: unknown, type: string): boolean {
  const actual = jsonTypeOf(value);
  return actual === type || (type === 'number' && actual === 'integer');
}

function describe(value: unknown): string {
  const text = JSON.stringify(value);
  return text === undefined ? String(value) : text.length > 40 ? `${text.slice(0, 37)}...` : text;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function resolvePointer(root: Schema, ref: string): Schema | undefined {
  if (!ref.startsWith('#')) return undefined;
  let node: unknown = root;
  for (const raw of ref.slice(1).split('/').slice(1)) {
    const key = decodeURIComponent(raw).replaceAll('~1', '/').replaceAll('~0', '~');
    if (!isObject(node) && !Array.isArray(node)) return undefined;
    node = (node as Record<string, unknown>)[key];
  }
  return typeof node === 'boolean' || isObject(node) ? node : undefined;
}

function codePoints(text: string): number {
  let count = 0;
  for (const _ of text) count++;
  return count;
}

/**
 * Validates a JSON value against a JSON Schema (the subset structured outputs use: types, enum,
 * const, objects, arrays, strings, numbers, combinators, local `$ref`, common formats). Returns
 * every violation with the path of the value at fault; an empty list means valid.
 */
export function validateJson(value: unknown, schema: unknown): SchemaViolation[] {
  const root: Schema = typeof schema === 'boolean' || isObject(schema) ? schema : {};
  const out: SchemaViolation[] = [];
  check(value, root, [], root, out, 0);
  return out;
}

function check(
  value: unknown,
  schema: Schema,
  path: (string | number)[],
  root: Schema,
  out: SchemaViolation[],
  depth: number,
): void {
  const fail = (message: string, at: (string | number)[] = path) => out.push({ path: at, message });
  if (schema === true) return;
  if (schema === false) return void fail('no value is allowed here');
  if (depth > 64) return void fail('schema nesting too deep (circular $ref?)');

  if (typeof schema.$ref === 'string') {
    const target = resolvePointer(root, schema.$ref);
    if (target === undefined) fail(`cannot resolve $ref ${schema.$ref}`);
    else check(value, target, path, root, out, depth + 1);
  }

  const types =
    typeof schema.type === 'string' ? [schema.type] : Array.isArray(schema.type) ? schema.type : null;
  if (types && !types.some((type) => typeof type === 'string' && matchesType(value, type))) {
    return void fail(`must be ${types.join(' or ')} (got ${jsonTypeOf(value)})`);
  }
  if ('const' in schema && !jsonEqual(value, schema.const)) fail(`must be ${describe(schema.const)}`);
  if (Array.isArray(schema.enum) && !schema.enum.some((option) => jsonEqual(option, value))) {
    fail(`must be one of ${schema.enum.map(describe).join(', ')}`);
  }

  checkCombinators(value, schema, path, root, out, depth);
  if (typeof value === 'string') checkString(value, schema, fail);
  else if (typeof value === 'number') checkNumber(value, schema, fail);
  else if (Array.isArray(value)) checkArray(value, schema, path, root, out, depth);
  else if (isObject(value)) checkObject(value, schema, path, root, out, depth);
}

function checkCombinators(
  value: unknown,
  schema: Record<string, unknown>,
  path: (string | number)[],
  root: Schema,
  out: SchemaViolation[],
  depth: number,
): void {
  const passes = (sub: unknown) => {
    const errors: SchemaViolation[] = [];
    check(value, sub as Schema, path, root, errors, depth + 1);
    return errors;
  };
  if (Array.isArray(schema.allOf))
    for (const sub of schema.allOf) check(value, sub, path, root, out, depth + 1);
  if (Array.isArray(schema.anyOf) && !schema.anyOf.some((sub) => passes(sub).length === 0)) {
    out.push({ path, message: 'must match at least one schema of anyOf' });
  }
  if (Array.isArray(schema.oneOf)) {
    const matching = schema.oneOf.filter((sub) => passes(sub).length === 0).length;
    if (matching !== 1)
      out.push({ path, message: `must match exactly one schema of oneOf (matches ${matching})` });
  }
  if (schema.not !== undefined && passes(schema.not).length === 0) {
    out.push({ path, message: 'must not match the schema in not' });
  }
  if (schema.if !== undefined) {
    const branch = passes(schema.if).length === 0 ? schema.then : schema.else;
    if (branch !== undefined) check(value, branch as Schema, path, root, out, depth + 1);
  }
}

function checkString(value: string, schema: Record<string, unknown>, fail: (message: string) => void): void {
  const length = codePoints(value);
  if (typeof schema.minLength === 'number' && length < schema.minLength) {
    fail(`must have at least ${schema.minLength} characters`);
  }
  if (typeof schema.maxLength === 'number' && length > schema.maxLength) {
    fail(`must have at most ${schema.maxLength} characters`);
  }
  if (typeof schema.pattern === 'string') {
    let pattern: RegExp | undefined;
    try {
      pattern = new RegExp(schema.pattern, 'u');
    } catch {
      // An invalid pattern is reported by the schema editor; it cannot fail a value.
    }
    if (pattern && !pattern.test(value)) fail(`must match the pattern ${schema.pattern}`);
  }
  const format = typeof schema.format === 'string' ? FORMATS[schema.format] : undefined;
  if (format && !format.test(value)) fail(`must be a valid ${schema.format}`);
}

function checkNumber(value: number, schema: Record<string, unknown>, fail: (message: string) => void): void {
  const { minimum, maximum, exclusiveMinimum, exclusiveMaximum, multipleOf } = schema;
  if (typeof minimum === 'number') {
    if (exclusiveMinimum === true ? value <= minimum : value < minimum) {
      fail(`must be ${exclusiveMinimum === true ? '>' : '>='} ${minimum}`);
    }
  }
  if (typeof maximum === 'number') {
    if (exclusiveMaximum === true ? value >= maximum : value > maximum) {
      fail(`must be ${exclusiveMaximum === true ? '<' : '<='} ${maximum}`);
    }
  }
  if (typeof exclusiveMinimum === 'number' && value <= exclusiveMinimum)
    fail(`must be > ${exclusiveMinimum}`);
  if (typeof exclusiveMaximum === 'number' && value >= exclusiveMaximum)
    fail(`must be < ${exclusiveMaximum}`);
  if (typeof multipleOf === 'number' && multipleOf > 0) {
    const quotient = value / multipleOf;
    if (Math.abs(quotient - Math.round(quotient)) > 1e-9) fail(`must be a multiple of ${multipleOf}`);
  }
}

function checkArray(
  value: unknown[],
  schema: Record<string, unknown>,
  path: (string | number)[],
  root: Schema,
  out: SchemaViolation[],
  depth: number,
): void {
  const fail = (message: string) => out.push({ path, message });
  if (typeof schema.minItems === 'number' && value.length < schema.minItems) {
    fail(`must have at least ${schema.minItems} items`);
  }
  if (typeof schema.maxItems === 'number' && value.length > schema.maxItems) {
    fail(`must have at most ${schema.maxItems} items`);
  }
  if (schema.uniqueItems === true) {
    const duplicate = value.findIndex((item, i) => value.slice(0, i).some((other) => jsonEqual(item, other)));
    if (duplicate !== -1) out.push({ path: [...path, duplicate], message: 'duplicates an earlier item' });
  }
  // Tuples: `prefixItems` (2020-12) or an `items` array (draft 4–7), then `items`/`additionalItems`.
  const tuple = Array.isArray(schema.prefixItems)
    ? schema.prefixItems
    : Array.isArray(schema.items)
      ? schema.items
      : [];
  const rest = Array.isArray(schema.items) ? schema.additionalItems : schema.items;
  value.forEach((item, i) => {
    const sub = i < tuple.length ? tuple[i] : rest;
    if (sub === undefined) return;
    if (sub === false && i >= tuple.length) {
      out.push({ path: [...path, i], message: `unexpected item (at most ${tuple.length} allowed)` });
    } else check(item, sub as Schema, [...path, i], root, out, depth + 1);
  });
}

function checkObject(
  value: Record<string, unknown>,
  schema: Record<string, unknown>,
  path: (string | number)[],
  root: Schema,
  out: SchemaViolation[],
  depth: number,
): void {
  const keys = Object.keys(value);
  const properties = isObject(schema.properties) ? schema.properties : {};
  if (Array.isArray(schema.required)) {
    for (const name of schema.required) {
      if (typeof name === 'string' && !Object.hasOwn(value, name)) {
        out.push({ path, message: `missing required property "${name}"` });
      }
    }
  }
  if (typeof schema.minProperties === 'number' && keys.length < schema.minProperties) {
    out.push({ path, message: `must have at least ${schema.minProperties} properties` });
  }
  if (typeof schema.maxProperties === 'number' && keys.length > schema.maxProperties) {
    out.push({ path, message: `must have at most ${schema.maxProperties} properties` });
  }
  const patterns: [RegExp, Schema][] = [];
  if (isObject(schema.patternProperties)) {
    for (const [source, sub] of Object.entries(schema.patternProperties)) {
      try {
        patterns.push([new RegExp(source, 'u'), sub as Schema]);
      } catch {
        // Reported by the schema editor.
      }
    }
  }
  for (const key of keys) {
    const at = [...path, key];
    let matched = false;
    if (Object.hasOwn(properties, key)) {
      matched = true;
      check(value[key], properties[key] as Schema, at, root, out, depth + 1);
    }
    for (const [pattern, sub] of patterns) {
      if (pattern.test(key)) {
        matched = true;
        check(value[key], sub, at, root, out, depth + 1);
      }
    }
    if (matched || schema.additionalProperties === undefined) continue;
    if (schema.additionalProperties === false)
      out.push({ path: at, message: `unexpected property "${key}"` });
    else check(value[key], schema.additionalProperties as Schema, at, root, out, depth + 1);
  }
  if (isObject(schema.dependentRequired)) {
    for (const [key, needed] of Object.entries(schema.dependentRequired)) {
      if (!Object.hasOwn(value, key) || !Array.isArray(needed)) continue;
      for (const name of needed) {
        if (typeof name === 'string' && !Object.hasOwn(value, name)) {
          out.push({ path, message: `property "${name}" is required when "${key}" is present` });
        }
      }
    }
  }
}
