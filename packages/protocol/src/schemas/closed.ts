import type { OpenObjectMarker } from './request-fields.js';

type Primitive = string | number | boolean | bigint | symbol | null | undefined;

/** Keys of `T` other than index signatures. */
type LiteralKeys<T> = keyof {
  [K in keyof T as string extends K ? never : number extends K ? never : K]: true;
};

/**
 * Removes the `[key: string]: unknown` index signatures that `z.looseObject` adds to inferred
 * types, recursively. Schemas keep unknown keys at runtime (a gateway forwards them), while the
 * exported types stay closed so a typo in an object literal is a compile error. Pure maps
 * (`z.record`, an empty loose object) have no declared keys and keep their index signature.
 */
export type Closed<T> = unknown extends T ? T : T extends unknown ? CloseOne<T> : never;

// Distributes over unions (Closed) so that `JsonSchemaObject | undefined` is seen as open.
type CloseOne<T> = OpenObjectMarker extends keyof T
  ? T
  : T extends Primitive
    ? T
    : T extends readonly (infer U)[]
      ? Closed<U>[]
      : [LiteralKeys<T>] extends [never]
        ? { [K in keyof T]: Closed<T[K]> }
        : { [K in keyof T as string extends K ? never : number extends K ? never : K]: Closed<T[K]> };
