import { clip } from '@switchyard/protocol';
import { expect } from 'vitest';

/** What a schema's `safeParse` returns (zod's shape), so the kit needs no zod import. */
interface Parser<T> {
  safeParse(
    value: unknown,
  ):
    | { success: true; data: T }
    | { success: false; error: { issues: readonly { path: readonly PropertyKey[]; message: string }[] } };
}

/** An answer as a failure shows it: `status 400: {"error":…}`. */
export function describeAnswer(status: number, body: string): string {
  return `status ${status}: ${clip(body, 2000) || '(empty body)'}`;
}

/**
 * Parses `value` with a protocol schema; on failure the test fails with each issue's path and
 * message and the answer they came from, not a bare ZodError.
 */
export function parseAnswer<T>(schema: Parser<T>, value: unknown, what: string, answer: string): T {
  const parsed = schema.safeParse(value);
  if (parsed.success) return parsed.data;
  const issues = parsed.error.issues.map((issue) => `${issue.path.join('.') || '(root)'}: ${issue.message}`);
  return expect.fail(`${what} is not valid (${issues.join('; ')}); the answer was ${answer}`);
}

/**
 * Reads a whole answer that must be a 200 JSON body; any other status, or a body that is not
 * JSON, fails with the status and the body.
 */
export async function readJsonAnswer(response: Response): Promise<{ json: unknown; answer: string }> {
  const text = await response.text();
  const answer = describeAnswer(response.status, text);
  expect(response.status, `expected 200, got ${answer}`).toBe(200);
  try {
    return { json: JSON.parse(text), answer };
  } catch {
    return expect.fail(`the answer is not JSON: ${answer}`);
  }
}
