import type { Random } from './seeded-random.js';

type Schema = Record<string, unknown>;

/** Below this depth optional properties are left out, so recursive schemas stay small. */
const OPTIONAL_DEPTH = 4;
/** Past this depth only `null` is produced: a schema whose required fields recurse forever. */
const MAX_DEPTH = 24;

const WORDS = [
  'amber',
  'beacon',
  'cedar',
  'delta',
  'ember',
  'fjord',
  'garnet',
  'harbor',
  'indigo',
  'juniper',
  'kestrel',
  'lagoon',
  'meadow',
  'nimbus',
  'orchid',
  'prairie',
  'quartz',
  'river',
  'summit',
  'tundra',
  'umber',
  'violet',
  'willow',
  'xenon',
  'yarrow',
  'zephyr',
];

/**
 * Generates a JSON value that validates against a JSON Schema, deterministically from `random`.
 *
 * Supported: `type` (also lists, e.g. `["string","null"]`), `const`, `enum`, `default`/`examples`
 * (used when they fit), `$ref` to `#/…` (`$defs`, `definitions`), `allOf` (merged), `anyOf` and
 * `oneOf` (first usable branch), objects (`properties`, `required`, `additionalProperties`,
 * `minProperties`), arrays (`items`, `prefixItems`, tuple `items`, `minItems`, `maxItems`,
 * `uniqueItems`), strings (`minLength`, `maxLength`, `format`: date-time, date, time, email,
 * uri/url, uuid, ipv4, hostname; `pattern` is tried against a few candidates), numbers and
 * integers (`minimum`, `maximum`, exclusive bounds in both drafts, `multipleOf`), booleans, null.
 * Not supported: `not`, `if`/`then`/`else`, `dependentRequired`, `patternProperties`.
 */
export function generateFromSchema(schema: unknown, random: Random): unknown {
  return new Generator(schema, random).value(schema, 0);
}

class Generator {
  readonly #root: unknown;
  readonly #random: Random;

  constructor(root: unknown, random: Random) {
    this.#root = root;
    this.#random = random;
  }

  value(input: unknown, depth: number): unknown {
    if (input === true || input === undefined) return this.#word();
    if (!isObject(input)) return null;
    if (depth > MAX_DEPTH) return null;
    const schema = this.#resolve(input, depth);
    if ('const' in schema) return schema.const;
    if (Array.isArray(schema.enum) && schema.enum.length > 0) return this.#random.pick(schema.enum);
    const example = this.#example(schema);
    if (example !== undefined) return example;
    const branches = (schema.anyOf ?? schema.oneOf) as unknown;
    if (Array.isArray(branches) && branches.length > 0) {
      const usable = branches.find((branch) => isObject(branch) && branch.type !== 'null') ?? branches[0];
      const { anyOf: _anyOf, oneOf: _oneOf, ...rest } = schema;
      return this.value(mergeSchemas(rest, isObject(usable) ? usable : {}), depth);
    }
    switch (typeOf(schema)) {
      case 'object':
        return this.#object(schema, depth);
      case 'array':
        return this.#array(schema, depth);
      case 'integer':
        return this.#number(schema, true);
      case 'number':
        return this.#number(schema, false);
      case 'boolean':
        return this.#random.next() < 0.5;
      case 'null':
        return null;
      default:
        return this.#string(schema);
    }
  }

  /** Follows `$ref` and merges `allOf`, so the rest of the generator sees one flat schema. */
  #resolve(schema: Schema, depth: number): Schema {
    let current = schema;
    for (let hops = 0; typeof current.$ref === 'string' && hops < MAX_DEPTH; hops++) {
      const { $ref, ...rest } = current;
      const target = pointer(this.#root, $ref as string);
      current = mergeSchemas(isObject(target) ? target : {}, rest);
    }
    if (Array.isArray(current.allOf)) {
      const { allOf, ...rest } = current;
      current = (allOf as unknown[]).reduce<Schema>(
        (merged, part) => mergeSchemas(merged, isObject(part) ? this.#resolve(part, depth) : {}),
        rest,
      );
    }
    return current;
  }

  #example(schema: Schema): unknown {
    const candidates = [schema.default, ...(Array.isArray(schema.examples) ? schema.examples : [])];
    const type = typeOf(schema);
    return candidates.find(
      (candidate) => candidate !== undefined && fitsType(candidate, type) && fitsString(candidate, schema),
    );
  }

  #object(schema: Schema, depth: number): Record<string, unknown> {
    const properties = isObject(schema.properties) ? schema.properties : {};
    const required = new Set(
      Array.isArray(schema.required) ? (schema.required as unknown[]).map(String) : [],
    );
    const out: Record<string, unknown> = {};
    for (const [key, propertySchema] of Object.entries(properties)) {
      if (depth >= OPTIONAL_DEPTH && !required.has(key)) continue;
      out[key] = this.value(propertySchema, depth + 1);
    }
    const additional = schema.additionalProperties;
    for (const key of required) {
      if (!(key in out)) out[key] = this.value(isObject(additional) ? additional : undefined, depth + 1);
    }
    const minProperties = typeof schema.minProperties === 'number' ? schema.minProperties : 0;
    for (let i = 0; Object.keys(out).length < minProperties && additional !== false && i < 1000; i++) {
      const key = `extra_${i}`;
      if (!(key in out)) out[key] = this.value(isObject(additional) ? additional : undefined, depth + 1);
    }
    return out;
  }

  #array(schema: Schema, depth: number): unknown[] {
    const prefix = Array.isArray(schema.prefixItems)
      ? schema.prefixItems
      : Array.isArray(schema.items)
        ? schema.items
        : [];
    const rest = Array.isArray(schema.items) ? (schema.additionalItems ?? true) : (schema.items ?? true);
    const minItems = typeof schema.minItems === 'number' ? schema.minItems : 0;
    const maxItems = typeof schema.maxItems === 'number' ? schema.maxItems : Number.POSITIVE_INFINITY;
    const wanted =
      depth >= OPTIONAL_DEPTH ? minItems : Math.max(minItems, Math.min(maxItems, 1 + this.#random.int(0, 1)));
    const count =
      rest === false ? Math.min(wanted, prefix.length) : Math.max(wanted, Math.min(prefix.length, maxItems));
    const out: unknown[] = [];
    const seen = new Set<string>();
    for (let attempt = 0; out.length < count && attempt < count * 8 + 8; attempt++) {
      const itemSchema = out.length < prefix.length ? prefix[out.length] : rest;
      const item = this.value(itemSchema, depth + 1);
      if (schema.uniqueItems === true) {
        const key = JSON.stringify(item);
        if (seen.has(key)) continue;
        seen.add(key);
      }
      out.push(item);
    }
    return out;
  }

  #number(schema: Schema, integer: boolean): number {
    // Draft 4 writes exclusive bounds as booleans next to minimum/maximum; later drafts as numbers.
    let low = Number.NEGATIVE_INFINITY;
    let high = Number.POSITIVE_INFINITY;
    let lowOpen = false;
    let highOpen = false;
    if (typeof schema.minimum === 'number') {
      low = schema.minimum;
      lowOpen = schema.exclusiveMinimum === true;
    }
    if (typeof schema.maximum === 'number') {
      high = schema.maximum;
      highOpen = schema.exclusiveMaximum === true;
    }
    if (typeof schema.exclusiveMinimum === 'number' && schema.exclusiveMinimum >= low) {
      low = schema.exclusiveMinimum;
      lowOpen = true;
    }
    if (typeof schema.exclusiveMaximum === 'number' && schema.exclusiveMaximum <= high) {
      high = schema.exclusiveMaximum;
      highOpen = true;
    }
    if (!Number.isFinite(low)) low = Number.isFinite(high) ? high - 100 : 0;
    if (!Number.isFinite(high)) high = low + 100;
    const step =
      typeof schema.multipleOf === 'number' && schema.multipleOf > 0
        ? schema.multipleOf
        : integer
          ? 1
          : undefined;
    if (step === undefined) {
      const value = low + (high - low) * (0.1 + 0.8 * this.#random.next());
      const rounded = Math.round(value * 100) / 100;
      return rounded > low && rounded < high ? rounded : value;
    }
    const decimals = decimalsOf(step);
    const integerStep = integer ? lcmWithOne(step) : step;
    let first = Math.ceil(low / integerStep);
    let last = Math.floor(high / integerStep);
    if (lowOpen && first * integerStep <= low) first++;
    if (highOpen && last * integerStep >= high) last--;
    if (last < first) return round(first * integerStep, decimals);
    return round(this.#random.int(first, last) * integerStep, decimals);
  }

  #string(schema: Schema): string {
    const minLength = typeof schema.minLength === 'number' ? schema.minLength : 0;
    const maxLength = typeof schema.maxLength === 'number' ? schema.maxLength : Number.POSITIVE_INFINITY;
    const formatted = this.#formatted(schema.format);
    const candidates = formatted === undefined ? [] : [formatted];
    candidates.push(
      this.#words(minLength, maxLength),
      this.#digits(minLength, maxLength),
      this.#letters(minLength, maxLength),
    );
    if (typeof schema.pattern !== 'string') return candidates[0] as string;
    let pattern: RegExp;
    try {
      pattern = new RegExp(schema.pattern, 'u');
    } catch {
      return candidates[0] as string;
    }
    return candidates.find((candidate) => pattern.test(candidate)) ?? (candidates[0] as string);
  }

  #formatted(format: unknown): string | undefined {
    const r = this.#random;
    const two = (n: number) => String(n).padStart(2, '0');
    const date = `20${two(r.int(20, 29))}-${two(r.int(1, 12))}-${two(r.int(1, 28))}`;
    const time = `${two(r.int(0, 23))}:${two(r.int(0, 59))}:${two(r.int(0, 59))}`;
    switch (format) {
      case 'date-time':
        return `${date}T${time}Z`;
      case 'date':
        return date;
      case 'time':
        return `${time}Z`;
      case 'email':
        return `${this.#word()}@example.com`;
      case 'uri':
      case 'url':
      case 'iri':
        return `https://example.com/${this.#word()}`;
      case 'uuid': {
        const hex = () => r.int(0, 15).toString(16);
        const part = (n: number) => Array.from({ length: n }, hex).join('');
        return `${part(8)}-${part(4)}-4${part(3)}-${r.pick(['8', '9', 'a', 'b'])}${part(3)}-${part(12)}`;
      }
      case 'ipv4':
        return `192.0.2.${r.int(1, 254)}`;
      case 'ipv6':
        return `2001:db8::${r.int(1, 65535).toString(16)}`;
      case 'hostname':
        return `${this.#word()}.example.com`;
      default:
        return undefined;
    }
  }

  #word(): string {
    return this.#random.pick(WORDS);
  }

  #words(minLength: number, maxLength: number): string {
    const count = this.#random.int(1, 3);
    let text = Array.from({ length: count }, () => this.#word()).join(' ');
    while (text.length < minLength) text += ` ${this.#word()}`;
    return fit(text, minLength, maxLength);
  }

  #digits(minLength: number, maxLength: number): string {
    return fit(
      String(this.#random.int(100000, 999999)).repeat(Math.ceil(Math.max(minLength, 1) / 6)),
      minLength,
      maxLength,
    );
  }

  #letters(minLength: number, maxLength: number): string {
    return fit(this.#word().repeat(Math.ceil(Math.max(minLength, 1) / 5)), minLength, maxLength);
  }
}

function fit(text: string, minLength: number, maxLength: number): string {
  const wanted = Math.max(minLength, Math.min(text.length, maxLength));
  // Lengths count code points, as JSON Schema does; our words are ASCII.
  return text.length >= wanted
    ? text.slice(0, wanted).trimEnd().padEnd(wanted, 'x')
    : text.padEnd(wanted, 'x');
}

function isObject(value: unknown): value is Schema {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function typeOf(schema: Schema): string | undefined {
  const type = schema.type;
  if (typeof type === 'string') return type;
  if (Array.isArray(type)) return (type.find((t) => t !== 'null') ?? type[0]) as string | undefined;
  if (
    isObject(schema.properties) ||
    schema.required !== undefined ||
    schema.additionalProperties !== undefined
  ) {
    return 'object';
  }
  if (schema.items !== undefined || schema.prefixItems !== undefined) return 'array';
  if (schema.minimum !== undefined || schema.maximum !== undefined || schema.multipleOf !== undefined)
    return 'number';
  return undefined;
}

function fitsType(value: unknown, type: string | undefined): boolean {
  switch (type) {
    case undefined:
      return true;
    case 'integer':
      return Number.isInteger(value);
    case 'number':
      return typeof value === 'number';
    case 'string':
      return typeof value === 'string';
    case 'boolean':
      return typeof value === 'boolean';
    case 'null':
      return value === null;
    case 'array':
      return Array.isArray(value);
    default:
      return isObject(value);
  }
}

function fitsString(value: unknown, schema: Schema): boolean {
  if (typeof value !== 'string') return typeof schema.pattern !== 'string';
  if (typeof schema.minLength === 'number' && value.length < schema.minLength) return false;
  if (typeof schema.maxLength === 'number' && value.length > schema.maxLength) return false;
  if (typeof schema.pattern === 'string') {
    try {
      return new RegExp(schema.pattern, 'u').test(value);
    } catch {
      return false;
    }
  }
  return true;
}

/** Later keys win, except that object properties and required lists are combined. */
function mergeSchemas(base: Schema, extra: Schema): Schema {
  const merged: Schema = { ...base, ...extra };
  if (isObject(base.properties) && isObject(extra.properties)) {
    merged.properties = { ...base.properties, ...extra.properties };
  }
  if (Array.isArray(base.required) && Array.isArray(extra.required)) {
    merged.required = [...new Set([...base.required, ...extra.required])];
  }
  return merged;
}

function pointer(root: unknown, ref: string): unknown {
  if (!ref.startsWith('#')) return undefined;
  let node: unknown = root;
  for (const raw of ref.slice(1).split('/').slice(1)) {
    const key = decodeURIComponent(raw).replaceAll('~1', '/').replaceAll('~0', '~');
    if (!isObject(node) && !Array.isArray(node)) return undefined;
    node = (node as Record<string, unknown>)[key];
  }
  return node;
}

function decimalsOf(step: number): number {
  const text = String(step);
  const exponent = /e-(\d+)$/.exec(text);
  if (exponent) return Number(exponent[1]);
  const dot = text.indexOf('.');
  return dot === -1 ? 0 : text.length - dot - 1;
}

function round(value: number, decimals: number): number {
  return decimals === 0 ? Math.round(value) : Number(value.toFixed(decimals));
}

/** The smallest multiple of `step` that is an integer (for `integer` with a fractional `multipleOf`). */
function lcmWithOne(step: number): number {
  for (let k = 1; k <= 1000; k++) {
    const candidate = Number((step * k).toFixed(decimalsOf(step)));
    if (Number.isInteger(candidate)) return candidate;
  }
  return Math.ceil(step);
}
