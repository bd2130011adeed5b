import { defineConfig } from 'vitest/config';
import SkipReasonsReporter from '../skip-reasons-reporter.js';

// The reporter on its own fixture, for skip-reasons-reporter.test.ts.
export default defineConfig({
  test: { include: ['skips.fixture.ts'], reporters: ['default', new SkipReasonsReporter()] },
});
