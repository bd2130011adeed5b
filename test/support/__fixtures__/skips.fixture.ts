// Run by skip-reasons-reporter.test.ts in its own Vitest process (the suite's include does not match it).
import { describe, it } from 'vitest';

describe.skipIf(true)('needs a service (skipped: set SERVICE_URL)', () => {
  it('one', () => {});
  it('two', () => {});
});

describe('a group', () => {
  it('runs', () => {});
  it('skips itself', (context) => context.skip('python3 not found'));
  it.skip('is skipped without a reason', () => {});
});
