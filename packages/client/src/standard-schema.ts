import { BadRequestError } from '@switchyard/protocol';

/**
 * A schema that can both validate a value and describe itself as JSON Schema: the
 * [Standard Schema](https://standardschema.dev) and Standard JSON Schema interfaces, which
 * zod ≥ 4.2 schemas implement (so do other libraries). The client reads schemas only through
 * this interface, so it never imports zod itself.
 */
export interface StructuredSchema<Output = unknown> {
  readonly '~standard': {
    readonly version: 1;
    readonly vendor: string;
    readonly validate: (value: unknown) => StandardResult<Output> | Promise<StandardResult<Output>>;
    readonly types?: { readonly input: unknown; readonly output: Output } | undefined;
    readonly jsonSchema: {
      readonly input: (options: { readonly target: string }) => Record<string, unknown>;
      readonly output: (options: { readonly target: string }) => Record<string, unknown>;
    };
  };
}

/** The validated value type of a {@link StructuredSchema} (`z.infer` for zod). */
export type InferOutput<S extends StructuredSchema> = NonNullable<S['~standard']['types']>['output'];

type StandardResult<Output> =
  | { readonly value: Output; readonly issues?: undefined }
  | { readonly issues: ReadonlyArray<StandardIssue> };

interface StandardIssue {
  readonly message: string;
  readonly path?: ReadonlyArray<PropertyKey | { readonly key: PropertyKey }> | undefined;
}

/** One validation problem, with the path as a dotted string (`steps.2.answer`). */
export interface ValidationIssue {
  path: string;
  message: string;
}

/** The outcome of validating a value against a {@link StructuredSchema}. */
export type ValidationResult<T> = { ok: true; value: T } | { ok: false; issues: ValidationIssue[] };

/**
 * The JSON Schema of what a schema produces, as sent to the model (draft-07 like OpenAI
 * expects, without the `$schema` marker some providers reject).
 */
export function toJSONSchema(schema: StructuredSchema, param: string): Record<string, unknown> {
  try {
    const { $schema: _, ...json } = schema['~standard'].jsonSchema.output({ target: 'draft-07' });
    return json;
  } catch (cause) {
    // e.g. zod refuses transforms: what they produce cannot be described to the model.
    throw new BadRequestError({
      message: `${param} cannot be described as JSON Schema: ${cause instanceof Error ? cause.message : String(cause)}`,
      code: 'invalid_request',
      param,
      cause,
    });
  }
}

/** Validates a value; sync and async validators alike. */
export async function validate<T>(schema: StructuredSchema<T>, value: unknown): Promise<ValidationResult<T>> {
  const result = await schema['~standard'].validate(value);
  if (!result.issues) return { ok: true, value: result.value };
  return {
    ok: false,
    issues: result.issues.map((issue) => ({
      path: (issue.path ?? []).map((key) => String(typeof key === 'object' ? key.key : key)).join('.'),
      message: issue.message,
    })),
  };
}

/**
 * Whether OpenAI's strict mode accepts the schema: every object closed
 * (`additionalProperties: false`) with all of its properties required. Optional fields make
 * strict mode reject the request, so such schemas are sent non-strict.
 */
export function isStrictCompatible(node: unknown): boolean {
  if (typeof node !== 'object' || node === null) return true;
  if (Array.isArray(node)) return node.every(isStrictCompatible);
  const schema = node as Record<string, unknown>;
  const properties = (schema.properties ?? {}) as Record<string, unknown>;
  if (schema.type === 'object' || schema.properties) {
    const required = (schema.required ?? []) as string[];
    if (schema.additionalProperties !== false) return false;
    if (Object.keys(properties).some((key) => !required.includes(key))) return false;
  }
  // Only keywords that hold schemas are walked; `enum`, `const` and `default` hold data.
  return [
    ...Object.values(properties),
    ...Object.values((schema.$defs ?? schema.definitions ?? {}) as Record<string, unknown>),
    schema.items,
    schema.anyOf,
    schema.allOf,
    schema.oneOf,
  ].every(isStrictCompatible);
}
