import { defineConfig } from 'vitest/config';
import SkipReasonsReporter from './test/support/skip-reasons-reporter.js';

// Only our own condition: Vitest hands these to Node for external packages too, and 'module' there
// would load ESM builds where a package's CommonJS expects CommonJS (express → is-promise).
const conditions = ['@switchyard/source'];

export default defineConfig({
  resolve: { conditions },
  ssr: { resolve: { conditions } },
  test: {
    include: [
      'packages/**/src/**/*.test.ts',
      'apps/*/src/**/*.test.{ts,tsx}',
      'apps/*/test/**/*.test.ts',
      'test/**/*.test.ts',
      'bench/**/*.test.ts',
      'examples/*/src/**/*.test.ts',
    ],
    exclude: ['**/node_modules/**', '**/dist/**'],
    // The default output only counts skipped tests; the second reporter says why they were skipped.
    reporters: ['default', new SkipReasonsReporter()],
    testTimeout: 20_000,
    hookTimeout: 30_000,
    typecheck: {
      enabled: true,
      only: false,
      include: ['packages/**/src/**/*.test-d.ts'],
      tsconfig: './tsconfig.json',
    },
  },
});
