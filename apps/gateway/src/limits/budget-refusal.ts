import { RateLimitError } from '@switchyard/protocol';
import type { BudgetPeriod } from '../ledger/store.js';
import type { PricedModel, PriceTable } from '../pricing/pricing.js';

/** A request's worst case, as admission counted it. */
export interface WorstCase {
  readonly promptTokens: number;
  /** Output tokens per choice: the request's max, or the default when it set none. */
  readonly maxTokens: number;
  /** False when the request set no max and `maxTokens` is the configured default. */
  readonly explicitMax: boolean;
  readonly n: number;
  /** Upstream models that may serve it; the dearest sets the worst case. */
  readonly models: readonly PricedModel[];
  readonly cost: number;
}

/** A dollar amount with three significant digits (`0.0001`, `0.16`, `12`). */
function usd(amount: number): string {
  return `$${Number(amount.toPrecision(3))}`;
}

function periodName(period: BudgetPeriod): string {
  return period === 'total' ? 'key' : period;
}

/**
 * The 429 for a request that does not fit in the key's budget: used up, or more than what is left
 * in the worst case. The message says how much is left and the largest `max_tokens` that fits.
 */
export function budgetRefusal(
  budget: { readonly usd: number; readonly period: BudgetPeriod },
  left: number,
  worst: WorstCase,
  prices: PriceTable,
): RateLimitError {
  const base = { code: 'budget_exceeded', retryable: false } as const;
  if (left <= 0) {
    return new RateLimitError({
      ...base,
      message: `This API key has used its budget of ${usd(budget.usd)} for this ${periodName(budget.period)}.`,
    });
  }
  const within = Math.min(
    ...worst.models.map((m) => prices.outputTokensWithin(m.model, left, worst.promptTokens, m.provider)),
  );
  const perChoice = Math.floor(within / worst.n);
  const output = `${worst.maxTokens} output tokens${worst.n > 1 ? ` × n=${worst.n}` : ''}`;
  const assumed = worst.explicitMax
    ? ''
    : ` A request without max_tokens counts ${worst.maxTokens} output tokens per choice.`;
  const fix =
    perChoice >= 1
      ? `Set max_tokens to at most ${perChoice}${worst.n > 1 ? ' (or lower n)' : ''}.`
      : within >= 1
        ? `Lower n to at most ${within} with max_tokens 1, or shorten the prompt.`
        : 'Even the prompt alone may cost more than that: shorten it.';
  return new RateLimitError({
    ...base,
    param: worst.n > 1 && perChoice < 1 && within >= 1 ? 'n' : 'max_tokens',
    message:
      `This request may cost up to ${usd(worst.cost)} (about ${worst.promptTokens} prompt tokens and ${output}), ` +
      `more than the ${usd(left)} left of this key's budget of ${usd(budget.usd)} for this ${periodName(budget.period)}.` +
      `${assumed} ${fix}`,
  });
}
