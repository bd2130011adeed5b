import { useElementWidth } from '../hooks/use-element-width.js';
import type { UsageBucket } from '../state/admin-api.js';
import { niceScale } from '../state/chart-scale.js';
import { bucketLabel, type StackedSeries } from '../state/usage-series.js';
import { ChartLegend } from './chart-legend.js';

interface StackedBarChartProps {
  title: string;
  series: StackedSeries;
  bucket: UsageBucket;
  format: (value: number) => string;
  /** Axis ticks (round numbers) can use a shorter format than values. */
  axisFormat?: (value: number) => string;
  labelFor: (key: string) => string;
  height?: number;
}

const MARGIN = { top: 8, right: 8, bottom: 22 };
/** About the width of one axis-label character at 11px: enough to fit the labels without measuring. */
const CHAR_WIDTH = 6.6;

/** Bars over time, stacked by series, drawn in SVG at the container's width; with a data table. */
export function StackedBarChart(props: StackedBarChartProps) {
  const { title, series, bucket, format, labelFor, height = 180 } = props;
  const axisFormat = props.axisFormat ?? format;
  const [ref, width] = useElementWidth<HTMLDivElement>();
  const scale = niceScale(series.max);
  const left = 10 + Math.max(...scale.ticks.map((tick) => axisFormat(tick).length)) * CHAR_WIDTH;
  const plotWidth = Math.max(10, width - left - MARGIN.right);
  const plotHeight = height - MARGIN.top - MARGIN.bottom;
  const slot = plotWidth / Math.max(1, series.bars.length);
  const barWidth = Math.max(1, Math.min(28, slot * 0.72));
  const y = (value: number) => MARGIN.top + plotHeight - (value / scale.max) * plotHeight;
  // Label as many buckets as fit, evenly spaced.
  const labelEvery = Math.max(1, Math.ceil(series.bars.length / Math.max(1, Math.floor(plotWidth / 56))));
  const total = series.bars.reduce((sum, bar) => sum + bar.total, 0);
  return (
    <figure className="chart">
      <figcaption className="chart__title">
        {title} <span className="muted">· {format(total)} in total</span>
      </figcaption>
      <div ref={ref} className="chart__canvas">
        <svg
          width={width}
          height={height}
          role="img"
          aria-label={`${title}: ${format(total)} in total over ${series.bars.length} ${bucket}s`}
        >
          {scale.ticks.map((tick) => (
            <g key={tick}>
              <line className="chart__grid" x1={left} x2={left + plotWidth} y1={y(tick)} y2={y(tick)} />
              <text className="chart__tick" x={left - 6} y={y(tick)} dy="0.32em" textAnchor="end">
                {axisFormat(tick)}
              </text>
            </g>
          ))}
          {series.bars.map((bar, i) => {
            const x = left + i * slot + (slot - barWidth) / 2;
            let base = 0;
            return (
              <g key={bar.start}>
                <title>
                  {`${bucketLabel(bar.start, bucket)}: ${format(bar.total)}`}
                  {bar.values
                    .map((v, k) => (v > 0 ? `\n${labelFor(series.keys[k] ?? '')}: ${format(v)}` : ''))
                    .join('')}
                </title>
                <rect
                  className="chart__hit"
                  x={left + i * slot}
                  y={MARGIN.top}
                  width={slot}
                  height={plotHeight}
                />
                {bar.values.map((value, k) => {
                  if (value <= 0) return null;
                  const top = y(base + value);
                  const h = y(base) - top;
                  base += value;
                  return (
                    <rect
                      key={series.keys[k]}
                      x={x}
                      y={top}
                      width={barWidth}
                      height={Math.max(h, 1)}
                      fill={`var(--series-${(k % 8) + 1})`}
                    />
                  );
                })}
                {i % labelEvery === 0 && (
                  <text className="chart__tick" x={x + barWidth / 2} y={height - 6} textAnchor="middle">
                    {bucketLabel(bar.start, bucket)}
                  </text>
                )}
              </g>
            );
          })}
        </svg>
      </div>
      {series.keys.length > 0 ? (
        <ChartLegend keys={series.keys} labelFor={labelFor} />
      ) : (
        <p className="muted small">No traffic in this period.</p>
      )}
      <details className="chart__table">
        <summary>Data table</summary>
        <table>
          <thead>
            <tr>
              <th scope="col">Time</th>
              {series.keys.map((key) => (
                <th key={key} scope="col">
                  {labelFor(key)}
                </th>
              ))}
              <th scope="col">Total</th>
            </tr>
          </thead>
          <tbody>
            {series.bars
              .filter((bar) => bar.total > 0)
              .map((bar) => (
                <tr key={bar.start}>
                  <th scope="row">{bucketLabel(bar.start, bucket)}</th>
                  {bar.values.map((value, k) => (
                    <td key={series.keys[k]}>{format(value)}</td>
                  ))}
                  <td>{format(bar.total)}</td>
                </tr>
              ))}
          </tbody>
        </table>
      </details>
    </figure>
  );
}
