// The root scripts a new user runs (`pnpm start`, `pnpm build`, …) must not greet them with turbo's
// telemetry notice: every script that runs turbo turns it off first.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';

const manifest = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8'));
const scripts = Object.entries(manifest.scripts as Record<string, string>);

describe('root scripts', () => {
  it.each(scripts.filter(([, command]) => /\bturbo run\b/.test(command)))(
    '%s turns off turbo telemetry before running turbo',
    (_name, command) => {
      expect(command.startsWith('export TURBO_TELEMETRY_DISABLED=1 && ')).toBe(true);
    },
  );
});
