type Primitive = string | number | boolean | bigint | symbol | null | undefined;

/**
 * Removes the `[key: string]: unknown` index signatures that `z.looseObject` adds to inferred
 * types, recursively. Schemas keep unknown keys at runtime (a gateway forwards them), while the
 * exported types stay closed so a typo in an object literal is a compile error.
 */
export type Closed<T> = T extends Primitive
  ? T
  : T extends readonly (infer U)[]
    ? Closed<U>[]
    : { [K in keyof T as string extends K ? never : K]: Closed<T[K]> };
