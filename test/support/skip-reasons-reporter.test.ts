import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const FIXTURES = fileURLToPath(new URL('__fixtures__', import.meta.url));

describe('the skip-reasons reporter', () => {
  it('prints each reason tests were skipped for once, after the summary, with a count', async () => {
    const { stdout } = await promisify(execFile)(
      process.execPath,
      [`${ROOT}node_modules/vitest/vitest.mjs`, 'run', '--config=skips.vitest.config.ts'],
      { cwd: FIXTURES, env: { ...process.env, NO_COLOR: '1', CI: '1' } },
    );
    const section = stdout.slice(stdout.indexOf('Skipped tests, and why:'));
    expect(section.split('\n').slice(1, 4)).toStrictEqual([
      '  2 skipped: set SERVICE_URL',
      '  1 skipped: python3 not found',
      `  1 skipped: no reason given (${FIXTURES}/skips.fixture.ts)`,
    ]);
  }, 60_000);
});
