import type { z } from 'zod';
import { clip } from '../clip.js';
import { describeValue } from './request-fields.js';

type Issue = z.core.$ZodIssue;
type Path = readonly PropertyKey[];

/** A validation failure in wire terms: `param` is the field path (`messages[2].tool_call_id`). */
export interface FormattedIssue {
  param: string | null;
  message: string;
}

const IDENTIFIER = /^[A-Za-z_$][\w$]*$/;

/** `['messages', 2, 'tool_call_id']` → `messages[2].tool_call_id`. */
export function formatPath(path: Path): string {
  let out = '';
  for (const segment of path) {
    if (typeof segment === 'number') out += `[${segment}]`;
    else if (typeof segment === 'string' && IDENTIFIER.test(segment)) out += out ? `.${segment}` : segment;
    else out += `[${JSON.stringify(clip(String(segment), 64))}]`;
  }
  return out;
}

/**
 * Turns a zod issue (parsed with `reportInput: true`) into a message a person understands.
 * Messages written on the schemas use a `{param}` placeholder; the rest are built from the issue.
 */
export function formatZodIssue(issue: Issue, prefix: Path = []): FormattedIssue {
  const path = [...prefix, ...issue.path];
  if (issue.code === 'invalid_union') {
    const chosen = pickUnionBranch(issue);
    if (chosen) return formatZodIssue(chosen, path);
  }
  if (issue.code === 'invalid_key') {
    // Zod points at the key itself; the person needs the object and the key it rejected.
    const key = path.at(-1);
    const inner = issue.issues[0]?.message ?? '';
    const template = inner.includes('{param}') ? inner : '{param} has an invalid key';
    const { param, message } = fill(path.slice(0, -1), template);
    return { param, message: `${message} (got ${describeValue(String(key))})` };
  }
  const param = path.length > 0 ? formatPath(path) : null;
  if (issue.message.includes('{param}')) return fill(path, issue.message);
  return { param, message: describe(issue, param ?? 'Request body') };
}

function fill(path: Path, template: string): FormattedIssue {
  const param = path.length > 0 ? formatPath(path) : null;
  return { param, message: template.replaceAll('{param}', param ?? 'Request body') };
}

function describe(issue: Issue, param: string): string {
  const input = issue.input;
  const got = input === undefined ? '' : ` (got ${describeValue(input)})`;
  switch (issue.code) {
    case 'invalid_type':
      if (input === undefined) return `${param} is required`;
      return `${param} must be ${expectedType(issue.expected, param)}${got}`;
    case 'too_small':
    case 'too_big':
      return `${param} ${bound(issue)}${got}`;
    case 'invalid_value':
      return `${param} must be ${oneOf(issue.values)}${got}`;
    case 'invalid_format':
      return `${param} has an invalid format${got}`;
    case 'not_multiple_of':
      return `${param} must be a multiple of ${String(issue.divisor)}${got}`;
    case 'unrecognized_keys':
      return `${param} has unknown keys: ${issue.keys.join(', ')}`;
    case 'invalid_union':
      return describeUnion(issue, param);
    case 'invalid_key':
      return `${param} has an invalid key`;
    case 'invalid_element':
      return `${param} has an invalid element`;
    default:
      return `${param}: ${issue.message}`;
  }
}

function expectedType(expected: string, param: string): string {
  switch (expected) {
    case 'int':
      return 'an integer';
    case 'array':
      return 'an array';
    case 'object':
    case 'record':
      return param === 'Request body' ? 'a JSON object' : 'an object';
    case 'null':
    case 'undefined':
      return expected;
    default:
      return `a ${expected}`;
  }
}

function oneOf(values: readonly unknown[]): string {
  const shown = values.map((v) => (typeof v === 'string' ? `'${v}'` : String(v)));
  return shown.length === 1 ? (shown[0] ?? '') : `one of ${shown.join(', ')}`;
}

function bound(issue: z.core.$ZodIssueTooSmall | z.core.$ZodIssueTooBig): string {
  const small = issue.code === 'too_small';
  const limit = Number(small ? issue.minimum : (issue as z.core.$ZodIssueTooBig).maximum);
  const inclusive = issue.inclusive !== false;
  switch (issue.origin) {
    case 'array':
    case 'set':
      return `must contain ${small ? 'at least' : 'at most'} ${limit} item${limit === 1 ? '' : 's'}`;
    case 'string':
      if (small && limit === 1) return 'must not be empty';
      return `must be ${small ? 'at least' : 'at most'} ${limit} character${limit === 1 ? '' : 's'} long`;
    default:
      if (inclusive) return `must be ${small ? 'at least' : 'at most'} ${limit}`;
      return `must be ${small ? 'greater' : 'less'} than ${limit}`;
  }
}

/**
 * Discriminated unions report a bad discriminator; plain unions report every branch. For the
 * latter, pick the branch that got furthest so the message is about the real problem.
 */
function pickUnionBranch(issue: z.core.$ZodIssueInvalidUnion): Issue | undefined {
  let best: Issue | undefined;
  let bestScore = 0;
  for (const branch of issue.errors) {
    const first = branch[0];
    if (!first) continue;
    const score = progress(first);
    if (score > bestScore) {
      best = first;
      bestScore = score;
    }
  }
  return best;
}

/** 0 when the branch rejected the value's type outright; higher when it got deeper. */
function progress(issue: Issue): number {
  if (issue.path.length > 0) return issue.path.length + 1;
  if (issue.code === 'invalid_type') return 0;
  if (issue.code === 'invalid_union') return issue.errors.length === 0 ? 1 : 0;
  if (issue.code === 'invalid_value') {
    return issue.values.some((value) => typeof value === typeof issue.input) ? 1 : 0;
  }
  return 1;
}

function describeUnion(issue: z.core.$ZodIssueInvalidUnion, param: string): string {
  const extra = issue as z.core.$ZodIssueInvalidUnion & { discriminator?: string; options?: unknown[] };
  if (extra.discriminator !== undefined) {
    const options = (extra.options ?? []).map(String).join(', ');
    const parent = issue.input;
    const value =
      typeof parent === 'object' && parent !== null
        ? (parent as Record<string, unknown>)[extra.discriminator]
        : undefined;
    if (value === undefined) return `${param} is required: expected one of ${options}`;
    if (typeof value === 'string') {
      return `Unrecognized ${extra.discriminator} ${describeValue(value)} at ${param}: expected one of ${options}`;
    }
    return `${param} must be one of ${options} (got ${describeValue(value)})`;
  }
  const expected: string[] = [];
  for (const branch of issue.errors) {
    const first = branch[0];
    if (first?.code === 'invalid_type') expected.push(expectedType(first.expected, param));
    else if (first?.code === 'invalid_value') expected.push(oneOf(first.values));
    else if (first?.code === 'invalid_union') expected.push('an object');
  }
  const unique = [...new Set(expected)];
  const what = unique.length > 0 ? unique.join(' or ') : 'a valid value';
  const got = issue.input === undefined ? '' : ` (got ${describeValue(issue.input)})`;
  if (issue.input === undefined) return `${param} is required`;
  return `${param} must be ${what}${got}`;
}
