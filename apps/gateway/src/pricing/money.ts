/**
 * Money inside the gateway is counted in integer nano-USD (1e-9 USD): a price from the catalogue is
 * rounded to whole nano-USD once, and sums (usage reports, budgets, spend) add integers, so no float
 * noise (`0.000024200000000000002`) builds up. Outside, an amount is USD with at most 9 decimals:
 * `nanos / 1e9` is the double nearest that decimal, and JSON prints it as written.
 */
export const NANOS_PER_USD = 1_000_000_000;

/** USD rounded to whole nano-USD. */
export function toNanos(usd: number): number {
  return Math.round(usd * NANOS_PER_USD);
}

/** Nano-USD as USD (at most 9 decimals, printed without float noise). */
export function usdOf(nanos: number): number {
  return nanos / NANOS_PER_USD;
}

/** `a + b` in USD, added as whole nano-USD (each rounded first): sums carry no float noise. */
export function addUsd(a: number, b: number): number {
  return usdOf(toNanos(a) + toNanos(b));
}

/**
 * SQL, for SQLite and PostgreSQL alike, that sums the ledger's `cost` (USD) in whole nano-USD: each
 * row rounded, then integers added (exact below 2^53 nano-USD, about 9 million USD).
 */
export const SUM_COST_NANOS = 'SUM(ROUND(cost * 1000000000))';

/** USD rounded to whole nano-USD: what a price computed in floats is worth, without its noise. */
export function exactUsd(usd: number): number {
  return usdOf(toNanos(usd));
}
