import type { UsageTotals as Totals } from '../state/admin-api.js';
import { formatCost, formatCount, formatPercent } from '../state/format.js';

/** The period at a glance: requests, error and cancellation shares, tokens, cost. */
export function UsageTotals({ totals }: { totals: Totals }) {
  const tiles: [string, string, string?][] = [
    ['Requests', formatCount(totals.requests)],
    [
      'Errors',
      formatCount(totals.errors),
      totals.requests ? formatPercent(totals.errors / totals.requests) : undefined,
    ],
    [
      'Cancelled',
      formatCount(totals.cancelled),
      totals.requests ? formatPercent(totals.cancelled / totals.requests) : undefined,
    ],
    ['Prompt tokens', formatCount(totals.prompt_tokens, true)],
    [
      'Completion tokens',
      formatCount(totals.completion_tokens, true),
      totals.reasoning_tokens ? `${formatCount(totals.reasoning_tokens, true)} reasoning` : undefined,
    ],
    ['Cost', formatCost(totals.cost)],
  ];
  return (
    <dl className="tiles" data-testid="usage-totals">
      {tiles.map(([label, value, note]) => (
        <div key={label} className="tile">
          <dt>{label}</dt>
          <dd>
            {value}
            {note && <span className="tile__note">{note}</span>}
          </dd>
        </div>
      ))}
    </dl>
  );
}
