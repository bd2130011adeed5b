/** Milliseconds for people: `850 ms`, `1.24 s`, `2 min 5 s`. */
export function formatDuration(ms: number | null | undefined): string {
  if (ms === null || ms === undefined || !Number.isFinite(ms)) return '—';
  if (ms < 1000) return `${Math.round(ms)} ms`;
  if (ms < 60_000) return `${(ms / 1000).toFixed(ms < 10_000 ? 2 : 1)} s`;
  const minutes = Math.floor(ms / 60_000);
  return `${minutes} min ${Math.round((ms % 60_000) / 1000)} s`;
}

/**
 * A USD amount: cents from $1 up; below, the amount as the gateway counts it (whole nano-USD, so at
 * most 9 decimals, trailing zeros dropped), never rounded to fewer digits, never with float noise
 * or in exponent notation.
 */
export function formatCost(usd: number | null | undefined): string {
  if (usd === null || usd === undefined || !Number.isFinite(usd)) return '—';
  if (usd === 0) return '$0';
  if (Math.abs(usd) >= 1) return `$${usd.toFixed(2)}`;
  return `$${usd.toFixed(9).replace(/0+$/, '')}`;
}

/** A count with thousands separators; compact (`12.3k`, `4.5M`) when asked. */
export function formatCount(value: number | null | undefined, compact = false): string {
  if (value === null || value === undefined || !Number.isFinite(value)) return '—';
  if (compact && Math.abs(value) >= 1000) {
    const units: [number, string][] = [
      [1e9, 'B'],
      [1e6, 'M'],
      [1e3, 'k'],
    ];
    for (const [size, unit] of units) {
      if (Math.abs(value) >= size) {
        const scaled = value / size;
        return `${scaled >= 100 ? Math.round(scaled) : Number(scaled.toFixed(1))}${unit}`;
      }
    }
  }
  return Math.round(value).toLocaleString('en-US');
}

/** A ratio (0–1) as a percentage. */
export function formatPercent(ratio: number | null | undefined): string {
  if (ratio === null || ratio === undefined || !Number.isFinite(ratio)) return '—';
  const percent = ratio * 100;
  if (percent === 0) return '0%';
  return `${percent < 1 ? percent.toFixed(2) : percent < 10 ? percent.toFixed(1) : Math.round(percent)}%`;
}
