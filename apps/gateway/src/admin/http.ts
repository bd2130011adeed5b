import { BadRequestError, type ProtocolError } from '@switchyard/protocol';
import type { z } from 'zod';

const JSON_HEADERS = { 'content-type': 'application/json' };

export function json(body: unknown, status = 200): Response {
  return new Response(JSON.stringify(body), { status, headers: JSON_HEADERS });
}

/** The error's envelope and status, with the request's id in the envelope and `x-request-id`. */
export function errorResponse(error: ProtocolError, requestId?: string): Response {
  const response = json((requestId ? error.with({ requestId }) : error).toEnvelope(), error.status);
  if (requestId) response.headers.set('x-request-id', requestId);
  return response;
}

/** Wire-style path of a zod issue: `allowed_models[2]`. */
function issuePath(path: readonly PropertyKey[]): string {
  let out = '';
  for (const p of path) out += typeof p === 'number' ? `[${p}]` : out ? `.${String(p)}` : String(p);
  return out;
}

/** Parses with a zod schema; failures become a 400 naming the exact field. */
export function parseWith<S extends z.ZodType>(schema: S, value: unknown): z.infer<S> {
  const result = schema.safeParse(value);
  if (result.success) return result.data;
  const issue = result.error.issues[0];
  const param = issue ? issuePath(issue.path) : null;
  throw new BadRequestError({
    message: param ? `${param}: ${issue?.message}` : (issue?.message ?? 'Invalid request body.'),
    code: 'invalid_request',
    param,
  });
}

export async function readJson(request: Request): Promise<unknown> {
  const text = await request.text();
  if (text.trim() === '') return {};
  try {
    return JSON.parse(text);
  } catch {
    throw new BadRequestError({ message: 'The request body is not valid JSON.', code: 'invalid_json' });
  }
}

/** A time given as epoch milliseconds or an ISO-8601 string. */
export function parseTime(value: string | null, param: string): number | undefined {
  if (value === null || value === '') return undefined;
  const n = /^\d+$/.test(value) ? Number(value) : Date.parse(value);
  if (!Number.isFinite(n)) {
    throw new BadRequestError({
      message: `${param} must be an ISO-8601 time or epoch milliseconds (got '${value}').`,
      code: 'invalid_request',
      param,
    });
  }
  return n;
}
