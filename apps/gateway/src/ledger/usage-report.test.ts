import { describe, expect, it } from 'vitest';
import { ledgerRow } from '../../test/support/ledger-rows.js';
import { summariseUsage } from './usage-report.js';

describe('summariseUsage', () => {
  it('counts client cancellations (499) apart from errors', () => {
    const rows = [
      ledgerRow({ deployment: 'simulator/babble', status: 200 }),
      ledgerRow({ deployment: 'simulator/babble', status: 499, errorCode: 'aborted' }),
      ledgerRow({ deployment: 'simulator/babble', status: 499, errorCode: 'aborted' }),
      ledgerRow({ deployment: 'simulator/babble', status: 500, errorCode: 'server_error' }),
    ];
    const report = summariseUsage(rows, 'model', 'minute');
    expect(report.totals).toMatchObject({ requests: 4, errors: 1, cancelled: 2 });
    expect(report.deployments).toEqual([
      expect.objectContaining({ deployment: 'simulator/babble', error_rate: 0.25, cancelled_rate: 0.5 }),
    ]);
  });
});
