import { describe, expect, it } from 'vitest';
import { formatCost, formatCount, formatDuration, formatPercent } from './format.js';

describe('number formats', () => {
  it('formats durations, costs, counts and percentages for people', () => {
    expect([
      formatDuration(850.4),
      formatDuration(1234),
      formatDuration(12_345),
      formatDuration(125_000),
      formatDuration(null),
    ]).toEqual(['850 ms', '1.23 s', '12.3 s', '2 min 5 s', '—']);
    expect([
      formatCost(0),
      formatCost(12.345),
      formatCost(0.0123),
      formatCost(0.000042),
      formatCost(1.23e-7),
      // Issue 19.7: the exact amount, without the float noise of a sum, and not cut to 2 digits.
      formatCost(0.000024200000000000002),
      formatCost(0.012375),
    ]).toEqual(['$0', '$12.35', '$0.0123', '$0.000042', '$0.000000123', '$0.0000242', '$0.012375']);
    expect([
      formatCount(1234567),
      formatCount(1234567, true),
      formatCount(999, true),
      formatCount(150_000, true),
    ]).toEqual(['1,234,567', '1.2M', '999', '150k']);
    expect([formatPercent(0), formatPercent(0.005), formatPercent(0.05), formatPercent(0.5)]).toEqual([
      '0%',
      '0.50%',
      '5.0%',
      '50%',
    ]);
  });
});
