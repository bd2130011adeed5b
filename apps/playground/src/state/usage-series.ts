import type { UsageBucket, UsageReport, UsageTotals } from './admin-api.js';

export type UsageMetric = 'requests' | 'tokens' | 'cost';
export const USAGE_METRICS: readonly UsageMetric[] = ['requests', 'tokens', 'cost'];

export type UsageRange = '1h' | '24h' | '7d' | '30d';
export const USAGE_RANGES: Readonly<Record<UsageRange, { ms: number; bucket: UsageBucket; label: string }>> =
  {
    '1h': { ms: 3_600_000, bucket: 'minute', label: 'Last hour' },
    '24h': { ms: 86_400_000, bucket: 'hour', label: 'Last 24 hours' },
    '7d': { ms: 7 * 86_400_000, bucket: 'day', label: 'Last 7 days' },
    '30d': { ms: 30 * 86_400_000, bucket: 'day', label: 'Last 30 days' },
  };

const BUCKET_MS: Readonly<Record<UsageBucket, number>> = { minute: 60_000, hour: 3_600_000, day: 86_400_000 };

export const OTHER = 'other';

export function metricOf(totals: UsageTotals, metric: UsageMetric): number {
  if (metric === 'requests') return totals.requests;
  if (metric === 'tokens') return totals.prompt_tokens + totals.completion_tokens;
  return totals.cost;
}

export interface StackedBar {
  /** Epoch milliseconds of the bucket start. */
  start: number;
  total: number;
  /** One value per series key, in `keys` order. */
  values: number[];
}

export interface StackedSeries {
  /** Series names, biggest first; `other` sums the rest. */
  keys: string[];
  bars: StackedBar[];
  /** The tallest bar. */
  max: number;
}

/**
 * Bars over time for one metric, stacked by the report's grouping: one bar per bucket from
 * `from` to `to` (empty buckets included, so gaps in traffic show), at most `maxKeys` series.
 * Series are ranked by requests whatever the metric, so that every chart of a report gives a
 * series the same place, and colour.
 */
export function stackedSeries(
  report: UsageReport,
  metric: UsageMetric,
  window: { from: number; to: number },
  maxKeys = 6,
): StackedSeries {
  const ranked = report.groups
    .map((group) => ({ key: group.key, requests: group.requests }))
    .sort((a, b) => b.requests - a.requests || a.key.localeCompare(b.key));
  const overflow = ranked.length > maxKeys;
  const kept = (overflow ? ranked.slice(0, maxKeys - 1) : ranked).map((entry) => entry.key);
  const keys = overflow ? [...kept, OTHER] : kept;
  const index = new Map(kept.map((key, i) => [key, i]));

  const size = BUCKET_MS[report.bucket];
  const byStart = new Map(report.series.map((entry) => [Date.parse(entry.start), entry]));
  const bars: StackedBar[] = [];
  const first = Math.floor(window.from / size) * size;
  const last = Math.floor(window.to / size) * size;
  for (let start = first; start <= last; start += size) {
    const values = keys.map(() => 0);
    const entry = byStart.get(start);
    for (const [key, totals] of Object.entries(entry?.by ?? {})) {
      const slot = index.get(key) ?? (overflow ? keys.length - 1 : undefined);
      if (slot !== undefined) values[slot] = (values[slot] as number) + metricOf(totals, metric);
    }
    bars.push({ start, total: values.reduce((a, b) => a + b, 0), values });
  }
  return { keys, bars, max: bars.reduce((max, bar) => Math.max(max, bar.total), 0) };
}

const pad = (n: number) => String(n).padStart(2, '0');
const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

/**
 * A bucket's start as an axis label: `14:05` in local time within a day, `Mar 4` for days (the
 * gateway's day buckets are UTC days).
 */
export function bucketLabel(start: number, bucket: UsageBucket): string {
  const date = new Date(start);
  if (bucket === 'day') return `${MONTHS[date.getUTCMonth()]} ${date.getUTCDate()}`;
  return `${pad(date.getHours())}:${pad(date.getMinutes())}`;
}
