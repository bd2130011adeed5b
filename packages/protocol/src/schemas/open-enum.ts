import { z } from 'zod';

/**
 * A string schema that documents its known values but accepts any string, so a provider's new
 * value does not reject a whole response. The type keeps the known values visible to editors.
 */
export function openEnum<const T extends readonly [string, ...string[]]>(
  values: T,
): z.ZodType<T[number] | (string & {})> {
  return z.union([z.enum(values), z.string()]);
}
