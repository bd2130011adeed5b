/** Colour keys of a chart's series. */
export function ChartLegend({ keys, labelFor }: { keys: string[]; labelFor: (key: string) => string }) {
  return (
    <ul className="legend">
      {keys.map((key, i) => (
        <li key={key}>
          <span
            className="legend__swatch"
            style={{ background: `var(--series-${(i % 8) + 1})` }}
            aria-hidden="true"
          />
          {labelFor(key)}
        </li>
      ))}
    </ul>
  );
}
