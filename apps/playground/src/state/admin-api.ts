import { ConnectionError, errorFromEnvelope } from '@switchyard/protocol';

/** Counters of a set of ledger rows, as the gateway's usage report sums them. */
export interface UsageTotals {
  requests: number;
  /** Failures (status 400 and above), not counting cancellations. */
  errors: number;
  /** Requests the client stopped (ledger status 499). */
  cancelled: number;
  prompt_tokens: number;
  completion_tokens: number;
  cached_tokens: number;
  reasoning_tokens: number;
  cost: number;
}

export interface Percentiles {
  p50: number | null;
  p90: number | null;
  p99: number | null;
}

export type UsageGroupBy = 'model' | 'key' | 'deployment' | 'status';
export type UsageBucket = 'minute' | 'hour' | 'day';

/** `GET /admin/usage`: totals, groups, a time series, and per-deployment health. */
export interface UsageReport {
  object: 'usage_report';
  from: string;
  to: string | null;
  totals: UsageTotals;
  group_by: UsageGroupBy;
  groups: (UsageTotals & { key: string })[];
  bucket: UsageBucket;
  series: (UsageTotals & { start: string; by: Record<string, UsageTotals> })[];
  deployments: {
    deployment: string;
    requests: number;
    error_rate: number;
    cancelled_rate: number;
    latency_ms: Percentiles;
    ttft_ms: Percentiles;
  }[];
}

/** An API key as `GET /admin/keys` lists it (never its secret). */
export interface ApiKeyView {
  id: string;
  name: string;
  prefix: string;
  is_admin: boolean;
  revoked_at: string | null;
}

export interface UsageQuery {
  groupBy: UsageGroupBy;
  bucket: UsageBucket;
  /** Epoch milliseconds. */
  from: number;
}

/**
 * Calls the gateway's admin API with the admin key. The client package covers the protocol
 * routes only; this is the same error handling for `/admin` (a `ProtocolError` with status,
 * code and request id).
 */
export async function adminRequest<T>(
  gatewayURL: string,
  adminKey: string,
  path: string,
  fetcher: typeof fetch = (...args) => fetch(...args),
): Promise<T> {
  let response: Response;
  try {
    response = await fetcher(`${gatewayURL}${path}`, {
      headers: { authorization: `Bearer ${adminKey}`, accept: 'application/json' },
    });
  } catch (cause) {
    throw new ConnectionError({
      message: `Connection error: ${cause instanceof Error ? cause.message : String(cause)}`,
      code: 'connection_error',
      cause,
    });
  }
  const requestId = response.headers.get('x-request-id');
  const text = await response.text();
  let body: unknown = text;
  try {
    body = JSON.parse(text);
  } catch {
    // A non-JSON body (a proxy's HTML page) becomes the message below.
  }
  if (!response.ok) throw errorFromEnvelope(body, { status: response.status, requestId });
  if (typeof body !== 'object' || body === null) {
    throw errorFromEnvelope(`Expected JSON from ${path}, got: ${text.slice(0, 200)}`, {
      status: 502,
      requestId,
    });
  }
  return body as T;
}

export function usagePath(query: UsageQuery): string {
  const params = new URLSearchParams({
    group_by: query.groupBy,
    bucket: query.bucket,
    from: new Date(query.from).toISOString(),
  });
  return `/admin/usage?${params}`;
}
