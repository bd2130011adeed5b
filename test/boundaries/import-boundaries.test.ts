// The import-boundary check (`pnpm check:imports`, dependency-cruiser with the root
// .dependency-cruiser.cjs) must fail on each kind of violation it exists for. Each case plants
// files in a throwaway copy of the workspace layout and runs the real config on it.
import { spawnSync } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const DEPCRUISE = join(ROOT, 'node_modules/.bin/depcruise');

const workspaces: string[] = [];
afterAll(() => {
  for (const workspace of workspaces) rmSync(workspace, { recursive: true, force: true });
});

/** Writes `files` (path → source) into a fresh workspace and runs the check on it. */
function check(files: Record<string, string>): { status: number | null; output: string } {
  const workspace = mkdtempSync(join(tmpdir(), 'import-boundaries-'));
  workspaces.push(workspace);
  copyFileSync(join(ROOT, 'tsconfig.base.json'), join(workspace, 'tsconfig.base.json'));
  for (const [path, source] of Object.entries(files)) {
    mkdirSync(dirname(join(workspace, path)), { recursive: true });
    writeFileSync(join(workspace, path), source);
  }
  const result = spawnSync(
    DEPCRUISE,
    ['--config', join(ROOT, '.dependency-cruiser.cjs'), 'packages', 'apps', 'bench', 'examples'],
    { cwd: workspace, encoding: 'utf8', timeout: 60_000 },
  );
  return { status: result.status, output: `${result.stdout}${result.stderr}` };
}

/** A module that imports `target` (a path relative to the workspace root) from `from`. */
function importer(from: string, target: string): string {
  let up = '';
  for (let depth = from.split('/').length - 1; depth > 0; depth--) up += '../';
  return `import { value } from '${up}${target.replace(/\.ts$/, '.js')}';\nexport const copy = value;\n`;
}

const LEAF = 'export const value = 1;\n';

/** Each planted import, and the rule that must reject it. */
const VIOLATIONS = [
  ['protocol-imports-no-package', 'packages/protocol/src/index.ts', 'packages/client/src/index.ts'],
  ['client-imports-only-protocol', 'packages/client/src/index.ts', 'packages/server-kit/src/index.ts'],
  [
    'server-kit-imports-only-protocol',
    'packages/server-kit/src/index.ts',
    'packages/adapters/one/src/index.ts',
  ],
  [
    'adapter-kit-imports-only-protocol',
    'packages/adapter-kit/src/index.ts',
    'packages/server-kit/src/index.ts',
  ],
  ['adapter-imports-only-kits', 'packages/adapters/one/src/index.ts', 'packages/adapters/two/src/index.ts'],
  ['packages-import-no-app', 'packages/adapters/two/src/index.ts', 'apps/gateway/src/index.ts'],
  [
    'playground-reaches-gateway-over-http',
    'apps/playground/test/support/gateway.ts',
    'apps/gateway/src/index.ts',
  ],
  ['bench-starts-gateway-through-cli', 'bench/gateway/targets.ts', 'apps/gateway/src/config/env.ts'],
  ['example-imports-only-public-kits', 'examples/one/src/index.ts', 'packages/adapters/one/src/index.ts'],
  [
    'gateway-folders-import-downward',
    'apps/gateway/src/ledger/store.ts',
    'apps/gateway/src/accounting/accounting.ts',
  ],
] as const;

describe('import boundaries', () => {
  it('passes the arrows that are allowed', () => {
    const { status, output } = check({
      'packages/protocol/src/index.ts': LEAF,
      'packages/client/src/index.ts': importer(
        'packages/client/src/index.ts',
        'packages/protocol/src/index.ts',
      ),
      'packages/adapter-kit/src/index.ts': importer(
        'packages/adapter-kit/src/index.ts',
        'packages/protocol/src/index.ts',
      ),
      'packages/server-kit/src/index.ts': importer(
        'packages/server-kit/src/index.ts',
        'packages/adapter-kit/src/index.ts',
      ),
      'packages/adapters/one/src/index.ts': importer(
        'packages/adapters/one/src/index.ts',
        'packages/server-kit/src/index.ts',
      ),
      'apps/gateway/src/index.ts': importer(
        'apps/gateway/src/index.ts',
        'packages/adapters/one/src/index.ts',
      ),
      'apps/playground/src/index.ts': importer(
        'apps/playground/src/index.ts',
        'packages/client/src/index.ts',
      ),
      'bench/gateway/run.ts': LEAF,
      'examples/one/src/index.ts': importer('examples/one/src/index.ts', 'packages/adapter-kit/src/index.ts'),
    });
    expect(output).toContain('no dependency violations found');
    expect(status).toBe(0);
  });

  describe('on planted violations', () => {
    let result: { status: number | null; output: string };
    beforeAll(() => {
      const files: Record<string, string> = {
        // A cycle of type-only imports is still a cycle.
        'apps/gateway/src/config/resolve.ts': `import type { Cache } from '../cache/cache.js';\nexport type Config = { cache: Cache };\n`,
        'apps/gateway/src/cache/cache.ts': `import type { Config } from '../config/resolve.js';\nexport type Cache = { of: Config };\n`,
      };
      for (const [, from, target] of VIOLATIONS) {
        files[target] ??= LEAF;
        files[from] = importer(from, target);
      }
      result = check(files);
    });

    it('exits non-zero', () => {
      expect(result.status).not.toBe(0);
    });

    it.each(VIOLATIONS)('fails with %s', (rule, from, target) => {
      expect(result.output).toContain(`error ${rule}: ${from} → ${target}`);
    });

    it('fails with no-cycle-in-src on a cycle of type-only imports', () => {
      expect(result.output).toMatch(/error no-cycle-in-src: apps\/gateway\/src\/(config|cache)\//);
    });
  });
});
