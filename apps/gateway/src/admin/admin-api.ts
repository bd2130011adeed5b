import {
  BadRequestError,
  NotFoundError,
  PermissionDeniedError,
  ProtocolError,
  toProtocolError,
} from '@switchyard/protocol';
import { z } from 'zod';
import type { Accounting } from '../accounting/accounting.js';
import type { Principal } from '../accounting/request-records.js';
import type { KeyRecord } from '../ledger/store.js';
import { type Bucket, type GroupBy, summariseUsage } from '../ledger/usage-report.js';
import { errorResponse, json, parseTime, parseWith, readJson } from './http.js';

const limit = z.number().int().positive().nullable();
const KeyBodySchema = z.strictObject({
  name: z.string().min(1).max(200),
  allowed_models: z.array(z.string().min(1)).nullable().optional(),
  rpm: limit.optional(),
  tpm: limit.optional(),
  budget_usd: z.number().nonnegative().nullable().optional(),
  budget_period: z.enum(['day', 'week', 'month', 'total']).optional(),
  expires_at: z
    .union([z.iso.datetime({ offset: true }), z.number().int().positive()])
    .nullable()
    .optional(),
  metadata: z.record(z.string(), z.string().max(1000)).optional(),
  is_admin: z.boolean().optional(),
});
const KeyPatchSchema = KeyBodySchema.partial();

type KeyBody = z.infer<typeof KeyPatchSchema>;

function toSettings(body: KeyBody) {
  const out: Record<string, unknown> = {};
  if (body.name !== undefined) out.name = body.name;
  if (body.allowed_models !== undefined) out.allowedModels = body.allowed_models;
  if (body.rpm !== undefined) out.rpm = body.rpm;
  if (body.tpm !== undefined) out.tpm = body.tpm;
  if (body.budget_usd !== undefined) out.budgetUsd = body.budget_usd;
  if (body.budget_period !== undefined) out.budgetPeriod = body.budget_period;
  if (body.expires_at !== undefined) {
    out.expiresAt = typeof body.expires_at === 'string' ? Date.parse(body.expires_at) : body.expires_at;
  }
  if (body.metadata !== undefined) out.metadata = body.metadata;
  if (body.is_admin !== undefined) out.isAdmin = body.is_admin;
  return out;
}

/** The public view of a key: never the secret or its hash. */
export function keyView(k: KeyRecord) {
  return {
    id: k.id,
    object: 'api_key',
    name: k.name,
    prefix: k.prefix,
    is_admin: k.isAdmin,
    allowed_models: k.allowedModels,
    rpm: k.rpm,
    tpm: k.tpm,
    budget_usd: k.budgetUsd,
    budget_period: k.budgetPeriod,
    expires_at: k.expiresAt === null ? null : new Date(k.expiresAt).toISOString(),
    metadata: k.metadata,
    created_at: new Date(k.createdAt).toISOString(),
    revoked_at: k.revokedAt === null ? null : new Date(k.revokedAt).toISOString(),
  };
}

const GROUPS: readonly GroupBy[] = ['model', 'key', 'deployment', 'status'];
const BUCKETS: readonly Bucket[] = ['minute', 'hour', 'day'];

function oneOf<T extends string>(value: string | null, allowed: readonly T[], fallback: T, param: string): T {
  if (value === null) return fallback;
  if ((allowed as readonly string[]).includes(value)) return value as T;
  throw new BadRequestError({
    message: `${param} must be one of ${allowed.join(', ')} (got '${value}').`,
    code: 'invalid_request',
    param,
  });
}

async function usageFor(accounting: Accounting, url: URL, keyId?: string) {
  const q = url.searchParams;
  const from = parseTime(q.get('from'), 'from') ?? Date.now() - 86_400_000;
  const to = parseTime(q.get('to'), 'to');
  const model = q.get('model') ?? undefined;
  const rows = await accounting.store.queryLedger({
    from,
    ...(to === undefined ? {} : { to }),
    ...(model === undefined ? {} : { model }),
    ...((keyId ?? q.get('key_id')) ? { keyId: keyId ?? (q.get('key_id') as string) } : {}),
  });
  const report = summariseUsage(
    rows,
    oneOf(q.get('group_by'), GROUPS, 'model', 'group_by'),
    oneOf(q.get('bucket'), BUCKETS, 'hour', 'bucket'),
  );
  return {
    object: 'usage_report',
    from: new Date(from).toISOString(),
    to: to ? new Date(to).toISOString() : null,
    ...report,
  };
}

async function routeAdmin(accounting: Accounting, request: Request, url: URL): Promise<Response> {
  const path = url.pathname.replace(/\/+$/, '');
  const method = request.method;
  if (path === '/admin/keys') {
    if (method === 'GET') return json({ object: 'list', data: accounting.keys.list().map(keyView) });
    if (method === 'POST') {
      const body = parseWith(KeyBodySchema, await readJson(request));
      const { record, secret } = accounting.createKey({ ...toSettings(body), name: body.name });
      // With a shared database, answer only once every instance can see the key.
      await accounting.store.flush();
      return json({ ...keyView(record), secret }, 201);
    }
    return methodNotAllowed(method, 'GET, POST');
  }
  const keyMatch = /^\/admin\/keys\/([A-Za-z0-9_-]+)$/.exec(path);
  if (keyMatch) {
    const id = keyMatch[1] as string;
    const existing = accounting.keys.get(id);
    if (!existing)
      throw new NotFoundError({ message: `No API key with id '${id}'.`, code: 'not_found', param: 'id' });
    if (method === 'GET') return json(keyView(existing));
    if (method === 'PATCH') {
      const body = parseWith(KeyPatchSchema, await readJson(request));
      const updated = accounting.keys.update(id, toSettings(body)) as KeyRecord;
      await accounting.store.flush();
      return json(keyView(updated));
    }
    if (method === 'DELETE') {
      const revoked = accounting.keys.revoke(id) as KeyRecord;
      await accounting.store.flush();
      return json(keyView(revoked));
    }
    return methodNotAllowed(method, 'GET, PATCH, DELETE');
  }
  if (path === '/admin/usage') {
    if (method !== 'GET') return methodNotAllowed(method, 'GET');
    return json(await usageFor(accounting, url));
  }
  throw new NotFoundError({ message: `No admin route ${method} ${url.pathname}.`, code: 'not_found' });
}

function methodNotAllowed(method: string, allow: string, requestId?: string): Response {
  const r = errorResponse(
    new ProtocolError({ message: `Method ${method} is not allowed here.`, code: 'method_not_allowed' }),
    requestId,
  );
  r.headers.set('allow', allow);
  return r;
}

/** Handles `/admin/*` for an authenticated principal: 403 unless it is an admin key. */
export async function handleAdmin(
  accounting: Accounting,
  request: Request,
  principal: Principal,
  requestId?: string,
): Promise<Response> {
  try {
    if (!principal.isAdmin) {
      throw new PermissionDeniedError({
        message: 'The admin API needs an admin key.',
        code: 'permission_denied',
      });
    }
    return await routeAdmin(accounting, request, new URL(request.url));
  } catch (error) {
    return errorResponse(toProtocolError(error), requestId);
  }
}

/** `GET /v1/usage`: the calling key's own usage. */
export async function handleUsage(
  accounting: Accounting,
  request: Request,
  principal: Principal,
  requestId?: string,
): Promise<Response> {
  try {
    if (request.method !== 'GET') return methodNotAllowed(request.method, 'GET', requestId);
    return json(await usageFor(accounting, new URL(request.url), principal.keyId));
  } catch (error) {
    return errorResponse(toProtocolError(error), requestId);
  }
}
