import { ERROR_CODE_INFO, ErrorCode } from '@switchyard/protocol';
import { addUsd } from '../pricing/money.js';
import type { LedgerRow } from './store.js';

export type GroupBy = 'model' | 'key' | 'deployment' | 'status';
export type Bucket = 'minute' | 'hour' | 'day';

/** The ledger status of a request the client aborted. */
const CLIENT_CLOSED = ERROR_CODE_INFO[ErrorCode.aborted].status;

const BUCKET_MS: Record<Bucket, number> = { minute: 60_000, hour: 3_600_000, day: 86_400_000 };

export interface Totals {
  requests: number;
  /** Failed requests (status 400 and above), not counting cancellations. */
  errors: number;
  /** Requests the client gave up on (status 499: a Stop, a closed tab): not the gateway's failures. */
  cancelled: number;
  /** Requests answered from the response cache. */
  cache_hits: number;
  /** Requests whose tokens and cost are the gateway's estimate (streams cut before their usage). */
  estimated_usage: number;
  prompt_tokens: number;
  completion_tokens: number;
  cached_tokens: number;
  /** Prompt tokens written to the upstream's cache. */
  cache_write_tokens: number;
  reasoning_tokens: number;
  cost: number;
}

function emptyTotals(): Totals {
  return {
    requests: 0,
    errors: 0,
    cancelled: 0,
    cache_hits: 0,
    estimated_usage: 0,
    prompt_tokens: 0,
    completion_tokens: 0,
    cached_tokens: 0,
    cache_write_tokens: 0,
    reasoning_tokens: 0,
    cost: 0,
  };
}

function add(t: Totals, r: LedgerRow): void {
  t.requests += 1;
  if (r.status === CLIENT_CLOSED) t.cancelled += 1;
  else if (r.status >= 400) t.errors += 1;
  if (r.cached) t.cache_hits += 1;
  if (r.usageEstimated) t.estimated_usage += 1;
  t.prompt_tokens += r.promptTokens;
  t.completion_tokens += r.completionTokens;
  t.cached_tokens += r.cachedTokens;
  t.cache_write_tokens += r.cacheWriteTokens;
  t.reasoning_tokens += r.reasoningTokens;
  t.cost = addUsd(t.cost, r.cost);
}

function percentile(sorted: number[], p: number): number | null {
  if (sorted.length === 0) return null;
  const i = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[i] as number;
}

function percentiles(values: number[]) {
  values.sort((a, b) => a - b);
  return { p50: percentile(values, 50), p90: percentile(values, 90), p99: percentile(values, 99) };
}

function getOrCreate<K, V>(map: Map<K, V>, key: K, create: () => V): V {
  let value = map.get(key);
  if (value === undefined) {
    value = create();
    map.set(key, value);
  }
  return value;
}

function groupKey(r: LedgerRow, by: GroupBy): string {
  if (by === 'model') return r.model;
  if (by === 'key') return r.keyId ?? 'none';
  if (by === 'deployment') return r.deployment ?? 'none';
  return String(r.status);
}

/**
 * Aggregates ledger rows for the usage API: totals, groups, a time series and, per deployment,
 * error rate and latency / time-to-first-token percentiles.
 */
export type UsageReport = ReturnType<typeof summariseUsage>;

export function summariseUsage(rows: readonly LedgerRow[], groupBy: GroupBy, bucket: Bucket) {
  const totals = emptyTotals();
  const groups = new Map<string, Totals>();
  const series = new Map<number, Totals & { by: Record<string, Totals> }>();
  const deployments = new Map<string, { totals: Totals; latency: number[]; ttft: number[] }>();
  const size = BUCKET_MS[bucket];
  for (const r of rows) {
    add(totals, r);
    const g = groupKey(r, groupBy);
    add(getOrCreate(groups, g, emptyTotals), r);
    const start = Math.floor(r.ts / size) * size;
    const s = getOrCreate(series, start, () => ({ ...emptyTotals(), by: {} as Record<string, Totals> }));
    add(s, r);
    s.by[g] ??= emptyTotals();
    add(s.by[g], r);
    const d = r.deployment ?? 'none';
    const dt = getOrCreate(deployments, d, () => ({
      totals: emptyTotals(),
      latency: [] as number[],
      ttft: [] as number[],
    }));
    add(dt.totals, r);
    dt.latency.push(r.latencyMs);
    if (r.ttftMs !== null) dt.ttft.push(r.ttftMs);
  }
  return {
    totals,
    group_by: groupBy,
    groups: [...groups].map(([key, t]) => ({ key, ...t })).sort((a, b) => b.requests - a.requests),
    bucket,
    series: [...series]
      .sort((a, b) => a[0] - b[0])
      .map(([start, t]) => ({ start: new Date(start).toISOString(), ...t })),
    deployments: [...deployments].map(([deployment, d]) => ({
      deployment,
      requests: d.totals.requests,
      error_rate: d.totals.requests ? d.totals.errors / d.totals.requests : 0,
      cancelled_rate: d.totals.requests ? d.totals.cancelled / d.totals.requests : 0,
      latency_ms: percentiles(d.latency),
      ttft_ms: percentiles(d.ttft),
    })),
  };
}
