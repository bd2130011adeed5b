import type { JsonPath, SchemaViolation } from './json-schema-validator.js';

export interface JsonLine {
  /** The line as `JSON.stringify(value, null, 2)` prints it. */
  text: string;
  /** The value this line starts (a closing bracket repeats its container's path). */
  path: JsonPath;
  /** A closing `}` or `]`: violations are marked on the opening line only. */
  closing: boolean;
}

/** Pretty-prints a JSON value line by line, remembering which value each line shows. */
export function prettyJsonLines(value: unknown): JsonLine[] {
  const lines: JsonLine[] = [];
  emit(value, [], 0, '', '', lines);
  return lines;
}

function emit(
  value: unknown,
  path: JsonPath,
  depth: number,
  label: string,
  comma: string,
  out: JsonLine[],
): void {
  const pad = '  '.repeat(depth);
  const isArray = Array.isArray(value);
  if (typeof value === 'object' && value !== null) {
    const entries: [string | number, unknown][] = isArray
      ? (value as unknown[]).map((item, i) => [i, item])
      : Object.entries(value).filter(([, item]) => item !== undefined);
    const [open, close] = isArray ? ['[', ']'] : ['{', '}'];
    if (entries.length === 0) {
      out.push({ text: `${pad}${label}${open}${close}${comma}`, path, closing: false });
      return;
    }
    out.push({ text: `${pad}${label}${open}`, path, closing: false });
    entries.forEach(([key, item], i) => {
      const childLabel = typeof key === 'number' ? '' : `${JSON.stringify(key)}: `;
      emit(item, [...path, key], depth + 1, childLabel, i < entries.length - 1 ? ',' : '', out);
    });
    out.push({ text: `${pad}${close}${comma}`, path, closing: true });
    return;
  }
  out.push({ text: `${pad}${label}${JSON.stringify(value) ?? 'null'}${comma}`, path, closing: false });
}

function samePath(a: JsonPath, b: JsonPath): boolean {
  return a.length === b.length && a.every((part, i) => part === b[i]);
}

/** The violations to show on each line (same order as `lines`). */
export function violationsByLine(
  lines: readonly JsonLine[],
  violations: readonly SchemaViolation[],
): string[][] {
  return lines.map((line) =>
    line.closing ? [] : violations.filter((v) => samePath(v.path, line.path)).map((v) => v.message),
  );
}

/** `$.items[2].name` style rendering of a path. */
export function formatJsonPath(path: JsonPath): string {
  return path.reduce<string>(
    (out, part) =>
      typeof part === 'number'
        ? `${out}[${part}]`
        : /^[A-Za-z_$][\w$]*$/.test(part)
          ? `${out}.${part}`
          : `${out}[${JSON.stringify(part)}]`,
    '$',
  );
}
