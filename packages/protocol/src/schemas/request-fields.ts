import { z } from 'zod';
import { clip } from '../clip.js';

/**
 * Field schemas shared by the request schemas. Their messages are templates: `{param}` is
 * replaced by the wire path of the field (`messages[2].content`) when the issue is reported.
 */

export function describeValue(value: unknown): string {
  if (typeof value === 'string') return `'${clip(value, 40)}'`;
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  if (value === null) return 'null';
  if (value === undefined) return 'nothing';
  if (Array.isArray(value)) return 'an array';
  return typeof value === 'object' ? 'an object' : typeof value;
}

/** A finite number in `[min, max]`. */
export function numberBetween(min: number, max: number) {
  const error = (issue: { input?: unknown }) =>
    `{param} must be between ${min} and ${max} (got ${describeValue(issue.input)})`;
  return z.number().min(min, { error }).max(max, { error });
}

/** An integer in `[min, max]`. */
export function intBetween(min: number, max: number) {
  const error = (issue: { input?: unknown }) =>
    `{param} must be an integer between ${min} and ${max} (got ${describeValue(issue.input)})`;
  return z.int({ error }).min(min, { error }).max(max, { error });
}

/** A positive safe integer (token limits). */
export function positiveInt() {
  const error = (issue: { input?: unknown }) =>
    `{param} must be a positive integer (got ${describeValue(issue.input)})`;
  return z.int({ error }).min(1, { error });
}

const NAME_PATTERN = /^[a-zA-Z0-9_-]{1,64}$/;

/** A function or schema name: 1–64 of `a-z A-Z 0-9 _ -`. */
export function identifierName() {
  return z.string().regex(NAME_PATTERN, {
    error: (issue) =>
      `{param} must be 1 to 64 characters of a-z, A-Z, 0-9, '_' or '-' (got ${describeValue(issue.input)})`,
  });
}

declare const openObject: unique symbol;

/**
 * A JSON Schema describing an object (function parameters, a response schema): any keywords, so
 * `properties`, `required`, `$defs`… type-check in object literals. The marker keeps {@link Closed}
 * from closing it.
 */
export type JsonSchemaObject = { type?: 'object'; [keyword: string]: unknown } & {
  readonly [openObject]?: never;
};

/** Marks a type that {@link Closed} leaves open. */
export type OpenObjectMarker = typeof openObject;

/** A JSON Schema object describing an object (function parameters, response schema). */
export function jsonSchemaObject(): z.ZodType<JsonSchemaObject> {
  return z.looseObject({
    type: z
      .literal('object', {
        error: (issue) =>
          `{param} must be 'object': the schema must describe a JSON object (got ${describeValue(issue.input)})`,
      })
      .optional(),
  }) as unknown as z.ZodType<JsonSchemaObject>;
}
