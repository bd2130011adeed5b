import { type FormEvent, useId, useMemo, useState } from 'react';
import { HorizontalBarChart } from '../charts/horizontal-bar-chart.js';
import { StackedBarChart } from '../charts/stacked-bar-chart.js';
import { useStoredValue } from '../hooks/use-stored-value.js';
import { useUsageReport } from '../hooks/use-usage-report.js';
import { niceScale } from '../state/chart-scale.js';
import { formatCost, formatCount, formatDuration, formatPercent } from '../state/format.js';
import { STORAGE_KEYS } from '../state/persistence.js';
import {
  OTHER,
  stackedSeries,
  USAGE_METRICS,
  USAGE_RANGES,
  type UsageMetric,
  type UsageRange,
} from '../state/usage-series.js';
import { ErrorNotice } from './error-notice.js';
import { UsageTotals } from './usage-totals.js';

const METRIC_TITLES: Record<UsageMetric, string> = { requests: 'Requests', tokens: 'Tokens', cost: 'Cost' };
const METRIC_FORMATS: Record<UsageMetric, (n: number) => string> = {
  requests: (n) => formatCount(n, true),
  tokens: (n) => formatCount(n, true),
  cost: formatCost,
};
const AXIS_FORMATS: Record<UsageMetric, (n: number) => string> = {
  ...METRIC_FORMATS,
  cost: (n) => (n === 0 ? '$0' : `$${Number(n.toPrecision(3))}`),
};

interface UsageViewProps {
  gatewayURL: string;
  /** The connection's API key: used when no admin key was entered here, and enough when it is one. */
  connectionKey: string;
}

/** Requests, tokens and cost over time by model or key; errors and latency per deployment. */
export function UsageView({ gatewayURL, connectionKey }: UsageViewProps) {
  const [adminKey, setAdminKey] = useStoredValue(STORAGE_KEYS.adminKey, '');
  const [draftKey, setDraftKey] = useState(adminKey);
  const [range, setRange] = useState<UsageRange>('24h');
  const [groupBy, setGroupBy] = useState<'model' | 'key'>('model');
  const usingConnection = adminKey === '' && connectionKey !== '';
  const key = usingConnection ? connectionKey : adminKey;
  const usage = useUsageReport(gatewayURL, key, range);
  // The admin API refused the connection's key: it is an app key, so ask for the admin key.
  const notAdmin =
    usingConnection && (usage.error?.category === 'auth' || usage.error?.category === 'permission');
  const id = useId();
  const fresh = key !== '' && adminKey === draftKey.trim();
  const submit = (event: FormEvent) => {
    event.preventDefault();
    if (fresh) usage.reload();
    else setAdminKey(draftKey.trim());
  };
  const data = usage.data;
  const report = data ? (groupBy === 'model' ? data.byModel : data.byKey) : null;
  const labelFor = (key: string) =>
    key === OTHER
      ? 'Other'
      : groupBy === 'key'
        ? (data?.keyNames[key] ?? (key === 'none' ? 'No key' : key))
        : key;
  const charts = useMemo(
    () =>
      report && data
        ? USAGE_METRICS.map((metric) => ({ metric, series: stackedSeries(report, metric, data.window) }))
        : [],
    [report, data],
  );
  const deployments = data?.byModel.deployments ?? [];
  return (
    <div className="usage">
      <div className="usage__controls">
        <form className="usage__key" onSubmit={submit}>
          <label htmlFor={`${id}-key`}>Admin key</label>
          <div className="input-row">
            <input
              id={`${id}-key`}
              type="password"
              autoComplete="off"
              placeholder={
                usingConnection && !notAdmin
                  ? "the connection's key"
                  : 'sk-sy-… (printed when the gateway first started)'
              }
              value={draftKey}
              onChange={(e) => setDraftKey(e.target.value)}
            />
            <button type="submit" className="button button--primary">
              {usage.loading ? 'Loading…' : fresh ? 'Refresh' : 'Load'}
            </button>
          </div>
        </form>
        <div className="field">
          <label htmlFor={`${id}-range`}>Period</label>
          <select id={`${id}-range`} value={range} onChange={(e) => setRange(e.target.value as UsageRange)}>
            {Object.entries(USAGE_RANGES).map(([value, { label }]) => (
              <option key={value} value={value}>
                {label}
              </option>
            ))}
          </select>
        </div>
        <fieldset className="segmented">
          <legend className="visually-hidden">Break down by</legend>
          {(['model', 'key'] as const).map((value) => (
            <button
              key={value}
              type="button"
              aria-pressed={groupBy === value}
              className={groupBy === value ? 'segmented__item is-active' : 'segmented__item'}
              onClick={() => setGroupBy(value)}
            >
              By {value}
            </button>
          ))}
        </fieldset>
      </div>

      {(!key || notAdmin) && (
        <p className="empty-chat" data-testid="usage-needs-admin-key">
          {notAdmin ? "The connection's key is not an admin key. " : ''}The usage view reads the gateway's
          admin API. Enter the admin key to see requests, tokens and cost over time, error rates and latency
          per deployment.
        </p>
      )}
      {usage.error && !notAdmin && <ErrorNotice error={usage.error} />}
      {data && report && (
        <>
          <UsageTotals totals={data.byModel.totals} />
          <div className="chart-grid">
            {charts.map(({ metric, series }) => (
              <StackedBarChart
                key={metric}
                title={`${METRIC_TITLES[metric]} by ${groupBy}`}
                series={series}
                bucket={report.bucket}
                format={METRIC_FORMATS[metric]}
                axisFormat={AXIS_FORMATS[metric]}
                labelFor={labelFor}
              />
            ))}
            <HorizontalBarChart
              title="Errors and cancellations by deployment"
              seriesNames={['errors', 'cancelled']}
              max={
                niceScale(Math.max(0.01, ...deployments.flatMap((d) => [d.error_rate, d.cancelled_rate]))).max
              }
              format={formatPercent}
              rows={deployments.map((d) => ({
                label: d.deployment,
                values: [d.error_rate, d.cancelled_rate],
                note: `${formatCount(d.requests)} requests`,
              }))}
            />
          </div>
          <div className="chart-grid chart-grid--two">
            <HorizontalBarChart
              title="Latency percentiles by deployment"
              seriesNames={['p50', 'p90', 'p99']}
              format={formatDuration}
              rows={deployments.map((d) => ({
                label: d.deployment,
                values: [d.latency_ms.p50, d.latency_ms.p90, d.latency_ms.p99],
              }))}
            />
            <HorizontalBarChart
              title="Time to first token by deployment"
              seriesNames={['p50', 'p90', 'p99']}
              format={formatDuration}
              rows={deployments
                .filter((d) => d.ttft_ms.p50 !== null)
                .map((d) => ({ label: d.deployment, values: [d.ttft_ms.p50, d.ttft_ms.p90, d.ttft_ms.p99] }))}
            />
          </div>
        </>
      )}
    </div>
  );
}
