import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'vite';

export const PACKAGE_DIR = fileURLToPath(new URL('../..', import.meta.url));

/** Builds the playground with its own Vite config into `outDir` (a fresh temp dir by default). */
export async function buildPlayground(
  outDir = mkdtempSync(join(tmpdir(), 'playground-dist-')),
): Promise<string> {
  await build({
    root: PACKAGE_DIR,
    configFile: join(PACKAGE_DIR, 'vite.config.ts'),
    logLevel: 'warn',
    build: { outDir, emptyOutDir: true },
  });
  return outDir;
}
