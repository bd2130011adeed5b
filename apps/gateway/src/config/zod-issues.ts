import { clip } from '@switchyard/protocol';
import type { z } from 'zod';
import { closest } from '../text/closest-names.js';
import { type ConfigIssue, formatPath } from './config-error.js';

/** Keys the schema allows directly under `path` (for "did you mean" hints on unknown keys). */
function knownKeysAt(schema: z.ZodType, path: readonly PropertyKey[]): string[] {
  let node: unknown = schema;
  for (const segment of path) {
    node = unwrap(node);
    const def = (node as { def?: Record<string, unknown> } | undefined)?.def;
    if (!def) return [];
    if (def.type === 'object') node = (def.shape as Record<string, unknown>)[String(segment)];
    else if (def.type === 'record') node = def.valueType;
    else if (def.type === 'array') node = def.element;
    else if (def.type === 'union') {
      const options = def.options as unknown[];
      node = options.find((option) => (unwrap(option) as { def?: { type?: string } }).def?.type === 'object');
    } else return [];
  }
  node = unwrap(node);
  const def = (node as { def?: Record<string, unknown> } | undefined)?.def;
  if (def?.type === 'union') {
    const object = (def.options as unknown[])
      .map(unwrap)
      .find((o) => (o as { def?: { type?: string } }).def?.type === 'object');
    return object ? Object.keys((object as { def: { shape: object } }).def.shape) : [];
  }
  return def?.type === 'object' ? Object.keys(def.shape as object) : [];
}

function unwrap(node: unknown): unknown {
  let current = node as { def?: Record<string, unknown> } | undefined;
  for (let i = 0; i < 10 && current?.def; i++) {
    const def = current.def;
    if (
      def.type === 'optional' ||
      def.type === 'default' ||
      def.type === 'prefault' ||
      def.type === 'nullable'
    ) {
      current = def.innerType as typeof current;
    } else if (def.type === 'pipe') {
      current = def.out as typeof current;
    } else break;
  }
  return current;
}

function describe(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'a list';
  if (typeof value === 'object') return 'a mapping';
  if (typeof value === 'string') return `the string ${JSON.stringify(clip(value, 40))}`;
  return `${typeof value} ${String(value)}`;
}

function valueAt(root: unknown, path: readonly PropertyKey[]): unknown {
  let node = root;
  for (const segment of path) {
    if (node === null || typeof node !== 'object') return undefined;
    node = (node as Record<PropertyKey, unknown>)[segment as string];
  }
  return node;
}

/** Turns zod issues into messages that name the path, what was found, and how to fix it. */
export function issuesFromZod(error: z.ZodError, schema: z.ZodType, input: unknown): ConfigIssue[] {
  const issues: ConfigIssue[] = [];
  for (const issue of error.issues) {
    const path = formatPath(issue.path);
    switch (issue.code) {
      case 'unrecognized_keys': {
        const known = knownKeysAt(schema, issue.path);
        for (const key of issue.keys) {
          const guess = closest(key, known);
          issues.push({
            path: formatPath([...issue.path, key]),
            message: 'unknown key',
            fix: guess
              ? `did you mean "${guess}"?`
              : `remove it; allowed here: ${known.length > 0 ? known.join(', ') : '(nothing)'}`,
          });
        }
        break;
      }
      case 'invalid_value':
        issues.push({
          path,
          message: `${describe(valueAt(input, issue.path))} is not allowed`,
          fix: `use one of: ${issue.values.map((v) => JSON.stringify(v)).join(', ')}`,
        });
        break;
      case 'invalid_type': {
        const found = valueAt(input, issue.path);
        if (typeof found === 'string' && issue.path.at(-2) === 'deployments') {
          issues.push({
            path,
            message: `"${clip(found, 80)}" names no provider: a deployment written as a string is "provider/model"`,
            fix: `write "<provider>/${clip(found, 80)}", or { provider: ..., model: ... }`,
          });
          break;
        }
        issues.push({
          path,
          message:
            found === undefined
              ? `required (${issue.expected})`
              : `expected ${issue.expected}, found ${describe(found)}`,
          fix:
            found === undefined
              ? `add ${String(issue.path.at(-1) ?? 'it')}: <${issue.expected}>`
              : issue.path.at(-2) === 'deployments'
                ? 'write "provider/model" or { provider: ..., model: ... }'
                : `write a${/^[aeiou]/.test(issue.expected) ? 'n' : ''} ${issue.expected} here`,
        });
        break;
      }
      case 'invalid_union': {
        const found = valueAt(input, issue.path);
        issues.push({
          path,
          message: `${describe(found)} does not match any accepted form`,
          fix: 'see docs/config.md for the accepted forms of this field',
        });
        break;
      }
      default:
        issues.push({ path, message: issue.message });
    }
  }
  return issues;
}
