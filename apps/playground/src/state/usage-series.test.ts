import { describe, expect, it } from 'vitest';
import type { UsageReport, UsageTotals } from './admin-api.js';
import { niceScale } from './chart-scale.js';
import { bucketLabel, OTHER, stackedSeries } from './usage-series.js';

const totals = (requests: number, cost = 0): UsageTotals => ({
  requests,
  errors: 0,
  cancelled: 0,
  prompt_tokens: requests * 10,
  completion_tokens: requests * 5,
  cached_tokens: 0,
  reasoning_tokens: 0,
  cost,
});
const HOUR = 3_600_000;
const t0 = Date.UTC(2026, 0, 1, 10);

function report(): UsageReport {
  return {
    object: 'usage_report',
    from: new Date(t0).toISOString(),
    to: null,
    totals: totals(6),
    group_by: 'model',
    groups: [
      { key: 'a', ...totals(3) },
      { key: 'b', ...totals(2) },
      { key: 'c', ...totals(1, 0.5) },
    ],
    bucket: 'hour',
    series: [
      { start: new Date(t0).toISOString(), ...totals(3), by: { a: totals(2), b: totals(1) } },
      {
        start: new Date(t0 + 2 * HOUR).toISOString(),
        ...totals(3),
        by: { a: totals(1), b: totals(1), c: totals(1, 0.5) },
      },
    ],
    deployments: [],
  };
}

describe('usage series', () => {
  it('makes one bar per bucket, empty ones included, stacked by group', () => {
    const series = stackedSeries(report(), 'requests', { from: t0 + 60_000, to: t0 + 2 * HOUR + 5 });
    expect(series.keys).toEqual(['a', 'b', 'c']);
    expect(series.bars.map((bar) => [bar.start - t0, bar.values])).toEqual([
      [0, [2, 1, 0]],
      [HOUR, [0, 0, 0]],
      [2 * HOUR, [1, 1, 1]],
    ]);
    expect(series.max).toBe(3);
  });

  it('ranks series by requests for every metric (stable colours) and folds the tail into "other"', () => {
    const byCost = stackedSeries(report(), 'cost', { from: t0, to: t0 + 2 * HOUR }, 2);
    expect(byCost.keys).toEqual(['a', OTHER]);
    expect(byCost.bars[2]?.values).toEqual([0, 0.5]);
    const byTokens = stackedSeries(report(), 'tokens', { from: t0, to: t0 }, 6);
    expect(byTokens.bars).toEqual([{ start: t0, total: 45, values: [30, 15, 0] }]);
  });

  it('labels buckets', () => {
    expect(bucketLabel(Date.UTC(2026, 2, 4), 'day')).toBe('Mar 4');
    expect(bucketLabel(t0, 'hour')).toMatch(/^\d{2}:00$/);
  });
});

describe('nice scale', () => {
  it('rounds the axis up to friendly ticks', () => {
    expect(niceScale(87)).toEqual({ max: 100, ticks: [0, 25, 50, 75, 100] });
    expect(niceScale(3)).toEqual({ max: 3, ticks: [0, 1, 2, 3] });
    expect(niceScale(0.0042).ticks).toEqual([0, 0.002, 0.004, 0.006]);
    expect(niceScale(0)).toEqual({ max: 1, ticks: [0, 1] });
  });
});
