import type { CSSProperties } from 'react';
import { niceScale } from '../state/chart-scale.js';

export interface HorizontalBarRow {
  label: string;
  /** One value per series; null when unknown (no samples). */
  values: (number | null)[];
  note?: string;
}

interface HorizontalBarChartProps {
  title: string;
  rows: HorizontalBarRow[];
  /** Names of the series (one bar each per row), e.g. p50 / p90 / p99. */
  seriesNames: string[];
  format: (value: number) => string;
  /** Fix the axis end (e.g. 1 for ratios). */
  max?: number;
}

/**
 * One group of horizontal bars per row (deployment): readable at any width, labels never
 * overlap, values written next to the bars. Screen readers get the same numbers as a table.
 */
export function HorizontalBarChart({ title, rows, seriesNames, format, max }: HorizontalBarChartProps) {
  const highest = rows.reduce((m, row) => Math.max(m, ...row.values.map((v) => v ?? 0)), 0);
  const top = max ?? niceScale(highest).max;
  const show = (value: number | null) => (value === null ? '—' : format(value));
  return (
    <figure className="chart">
      <figcaption className="chart__title">
        {title} <span className="muted">· bars scaled to {format(top)}</span>
      </figcaption>
      {rows.length === 0 ? (
        <p className="muted small">No traffic in this period.</p>
      ) : (
        <>
          <div
            className={seriesNames.length > 1 ? 'hbars' : 'hbars hbars--single'}
            aria-hidden="true"
            // Series labels share one width, so that the bars of a row line up.
            style={
              {
                '--series-width': `${Math.max(...seriesNames.map((name) => name.length))}ch`,
              } as CSSProperties
            }
          >
            {rows.map((row) => (
              <div className="hbars__row" key={row.label}>
                <span className="hbars__label">
                  {row.label}
                  {row.note && <span className="muted small"> · {row.note}</span>}
                </span>
                {row.values.map((value, k) => (
                  <span className="hbars__bar-row" key={seriesNames[k]}>
                    {seriesNames.length > 1 && <span className="hbars__series">{seriesNames[k]}</span>}
                    <span className="hbars__track">
                      <span
                        className="hbars__bar"
                        style={{
                          width: value === null ? 0 : `${Math.max(0.5, Math.min(100, (value / top) * 100))}%`,
                          background: `var(--series-${(k % 8) + 1})`,
                        }}
                      />
                    </span>
                    <span className="hbars__value">{show(value)}</span>
                  </span>
                ))}
              </div>
            ))}
          </div>
          <table className="visually-hidden">
            <caption>{title}</caption>
            <thead>
              <tr>
                <th scope="col">Deployment</th>
                {seriesNames.map((name) => (
                  <th scope="col" key={name}>
                    {name}
                  </th>
                ))}
              </tr>
            </thead>
            <tbody>
              {rows.map((row) => (
                <tr key={row.label}>
                  <th scope="row">
                    {row.label}
                    {row.note ? ` (${row.note})` : ''}
                  </th>
                  {row.values.map((value, k) => (
                    <td key={seriesNames[k]}>{show(value)}</td>
                  ))}
                </tr>
              ))}
            </tbody>
          </table>
        </>
      )}
    </figure>
  );
}
