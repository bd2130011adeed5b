import type { GeminiPartialArg } from './gemini-api-types.js';

type Segment = string | number;

/**
 * Rebuilds the `args` object of a function call that Vertex streamed as `partialArgs` fragments
 * (`streamFunctionCallArguments`): each fragment sets one JSON path (`$.a.b[0]`) to a string,
 * number, boolean or null; a string fragment with `willContinue` is continued by the next string
 * fragment for the same path.
 */
export class PartialArgsBuilder {
  readonly #args: Record<string, unknown> = {};
  #openStringPath: string | undefined;

  add(fragments: readonly GeminiPartialArg[]): void {
    for (const fragment of fragments) {
      const segments = parseJsonPath(fragment.jsonPath);
      if (segments.length === 0) continue;
      if (typeof fragment.stringValue === 'string') {
        const previous = readPath(this.#args, segments);
        const value =
          this.#openStringPath === fragment.jsonPath && typeof previous === 'string'
            ? previous + fragment.stringValue
            : fragment.stringValue;
        writePath(this.#args, segments, value);
        this.#openStringPath = fragment.willContinue ? fragment.jsonPath : undefined;
        continue;
      }
      this.#openStringPath = undefined;
      if (typeof fragment.numberValue === 'number') writePath(this.#args, segments, fragment.numberValue);
      else if (typeof fragment.boolValue === 'boolean') writePath(this.#args, segments, fragment.boolValue);
      else if ('nullValue' in fragment) writePath(this.#args, segments, null);
    }
  }

  get args(): Record<string, unknown> {
    return this.#args;
  }
}

/** `$.recipe.items[0].name` → `['recipe', 'items', 0, 'name']`. */
function parseJsonPath(path: string): Segment[] {
  const segments: Segment[] = [];
  const body = path.replace(/^\$\.?/, '');
  const pattern = /([^.[\]]+)|\[(\d+)\]|\['([^']*)'\]/g;
  for (const match of body.matchAll(pattern)) {
    if (match[2] !== undefined) segments.push(Number(match[2]));
    else segments.push(match[1] ?? match[3] ?? '');
  }
  return segments;
}

function readPath(root: Record<string, unknown>, segments: Segment[]): unknown {
  let current: unknown = root;
  for (const segment of segments) {
    if (typeof current !== 'object' || current === null || !Object.hasOwn(current, segment)) return undefined;
    current = (current as Record<Segment, unknown>)[segment];
  }
  return current;
}

function writePath(root: Record<string, unknown>, segments: Segment[], value: unknown): void {
  let current = root as Record<Segment, unknown>;
  for (let i = 0; i < segments.length - 1; i++) {
    const segment = segments[i] as Segment;
    const existing = Object.hasOwn(current, segment) ? current[segment] : undefined;
    if (typeof existing !== 'object' || existing === null) {
      define(current, segment, typeof segments[i + 1] === 'number' ? [] : {});
    }
    current = current[segment] as Record<Segment, unknown>;
  }
  define(current, segments[segments.length - 1] as Segment, value);
}

// A data property, so that a key such as `__proto__` cannot reach the prototype setter.
function define(target: Record<Segment, unknown>, key: Segment, value: unknown): void {
  Object.defineProperty(target, key, { value, enumerable: true, configurable: true, writable: true });
}
