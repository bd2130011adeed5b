import type { JsonPath } from './json-schema-validator.js';
import { parseJsonText } from './parse-json-text.js';

export interface SchemaIssue {
  severity: 'error' | 'warning';
  /** Where in the schema document, e.g. `properties.city.type`. */
  path: string;
  message: string;
}

export interface SchemaLintResult {
  /** The parsed schema, when the text is JSON. */
  schema: Record<string, unknown> | undefined;
  issues: SchemaIssue[];
}

const TYPES = new Set(['string', 'number', 'integer', 'boolean', 'object', 'array', 'null']);
const SCHEMA_MAPS = ['properties', 'patternProperties', '$defs', 'definitions', 'dependentSchemas'] as const;
const SCHEMA_LISTS = ['allOf', 'anyOf', 'oneOf', 'prefixItems'] as const;
const SCHEMA_SLOTS = ['not', 'if', 'then', 'else', 'contains', 'propertyNames', 'additionalItems'] as const;
const NUMBERS = [
  'minimum',
  'maximum',
  'multipleOf',
  'minLength',
  'maxLength',
  'minItems',
  'maxItems',
] as const;

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function join(path: JsonPath): string {
  return path.reduce<string>(
    (out, part) => (typeof part === 'number' ? `${out}[${part}]` : out ? `${out}.${part}` : part),
    '',
  );
}

/**
 * Checks JSON Schema text as the user types it: JSON syntax (with line and column), then the
 * mistakes that make a model or a gateway reject the schema (unknown types, malformed
 * `properties`/`required`, unresolvable `$ref`, invalid `pattern`). `root: 'object'` also asks
 * for an object schema at the top, as tool parameters and structured outputs need.
 */
export function lintJsonSchema(text: string, options: { root?: 'object' } = {}): SchemaLintResult {
  const parsed = parseJsonText(text);
  if (!parsed.ok) {
    const where = `line ${parsed.error.line}, column ${parsed.error.column}`;
    return { schema: undefined, issues: [{ severity: 'error', path: where, message: parsed.error.message }] };
  }
  if (!isObject(parsed.value)) {
    return {
      schema: undefined,
      issues: [{ severity: 'error', path: '', message: 'A schema must be a JSON object.' }],
    };
  }
  const schema = parsed.value;
  const issues: SchemaIssue[] = [];
  if (options.root === 'object' && schema.type !== 'object') {
    issues.push({
      severity: schema.type === undefined ? 'warning' : 'error',
      path: 'type',
      message: 'The top level should be "type": "object".',
    });
  }
  walk(schema, [], schema, issues, 0);
  return { schema, issues };
}

function walk(
  node: unknown,
  path: (string | number)[],
  root: Record<string, unknown>,
  issues: SchemaIssue[],
  depth: number,
): void {
  const error = (at: (string | number)[], message: string) =>
    issues.push({ severity: 'error', path: join(at), message });
  const warn = (at: (string | number)[], message: string) =>
    issues.push({ severity: 'warning', path: join(at), message });
  if (typeof node === 'boolean') return;
  if (!isObject(node)) return void error(path, 'must be a schema (an object or true/false)');
  if (depth > 40) return;

  const { type } = node;
  const types = Array.isArray(type) ? type : type === undefined ? [] : [type];
  for (const [i, t] of types.entries()) {
    if (typeof t !== 'string' || !TYPES.has(t)) {
      error(
        Array.isArray(type) ? [...path, 'type', i] : [...path, 'type'],
        `unknown type ${JSON.stringify(t)}`,
      );
    }
  }
  if (node.required !== undefined) {
    if (!Array.isArray(node.required) || node.required.some((name) => typeof name !== 'string')) {
      error([...path, 'required'], 'must be an array of property names');
    } else if (isObject(node.properties)) {
      for (const name of node.required as string[]) {
        if (!Object.hasOwn(node.properties, name))
          warn([...path, 'required'], `"${name}" is not in properties`);
      }
    }
  }
  if (node.enum !== undefined && (!Array.isArray(node.enum) || node.enum.length === 0)) {
    error([...path, 'enum'], 'must be a non-empty array');
  }
  for (const key of NUMBERS) {
    if (node[key] !== undefined && typeof node[key] !== 'number') error([...path, key], 'must be a number');
  }
  if (node.pattern !== undefined) {
    try {
      new RegExp(String(node.pattern), 'u');
    } catch (e) {
      error([...path, 'pattern'], `invalid regular expression: ${e instanceof Error ? e.message : e}`);
    }
  }
  if (typeof node.$ref === 'string' && !resolves(root, node.$ref)) {
    error([...path, '$ref'], `cannot resolve ${node.$ref} (only local #/... references are supported)`);
  }

  for (const key of SCHEMA_MAPS) {
    const map = node[key];
    if (map === undefined) continue;
    if (!isObject(map)) {
      error([...path, key], 'must be an object of schemas');
      continue;
    }
    for (const [name, sub] of Object.entries(map)) walk(sub, [...path, key, name], root, issues, depth + 1);
  }
  for (const key of SCHEMA_LISTS) {
    const list = node[key];
    if (list === undefined) continue;
    if (!Array.isArray(list) || list.length === 0)
      error([...path, key], 'must be a non-empty array of schemas');
    else for (const [i, sub] of list.entries()) walk(sub, [...path, key, i], root, issues, depth + 1);
  }
  for (const key of SCHEMA_SLOTS)
    if (node[key] !== undefined) walk(node[key], [...path, key], root, issues, depth + 1);
  if (node.items !== undefined) {
    if (Array.isArray(node.items)) {
      for (const [i, sub] of node.items.entries()) walk(sub, [...path, 'items', i], root, issues, depth + 1);
    } else walk(node.items, [...path, 'items'], root, issues, depth + 1);
  }
  if (node.additionalProperties !== undefined) {
    walk(node.additionalProperties, [...path, 'additionalProperties'], root, issues, depth + 1);
  }
}

function resolves(root: Record<string, unknown>, ref: string): boolean {
  if (ref === '#') return true;
  if (!ref.startsWith('#/')) return false;
  let node: unknown = root;
  for (const raw of ref.slice(2).split('/')) {
    const key = decodeURIComponent(raw).replaceAll('~1', '/').replaceAll('~0', '~');
    if (!isObject(node) && !Array.isArray(node)) return false;
    node = (node as Record<string, unknown>)[key];
    if (node === undefined) return false;
  }
  return true;
}
