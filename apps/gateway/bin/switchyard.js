#!/usr/bin/env node
// The `switchyard` command: runs the built CLI. In a clone, `pnpm start` or `pnpm build` builds it.
import { existsSync } from 'node:fs';

const cli = new URL('../dist/cli.js', import.meta.url);
if (!existsSync(cli)) {
  process.stderr.write(
    'switchyard: the gateway is not built yet: run `pnpm build` (or `pnpm start`) first.\n',
  );
  process.exit(1);
}
await import(cli.href);
