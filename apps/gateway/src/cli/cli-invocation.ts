import { existsSync } from 'node:fs';
import { basename, dirname, join, relative, resolve } from 'node:path';

const shellSafe = (word: string) =>
  /^[\w@%+=:,./-]+$/.test(word) ? word : `'${word.replaceAll("'", `'\\''`)}'`;

/**
 * How to run this CLI again from `cwd`, as a user would type it: `pnpm exec switchyard` inside the
 * repository it was started from, `switchyard` when it runs as an installed command, else
 * `node <path to the CLI>`.
 */
export function cliInvocation(cliPath: string, cwd: string): string {
  const root = resolve(dirname(cliPath), '../../..');
  const inRepository = existsSync(join(root, 'pnpm-workspace.yaml')) && !relative(root, cwd).startsWith('..');
  if (inRepository) return 'pnpm exec switchyard';
  if (basename(cliPath) === 'switchyard') return 'switchyard';
  return `node ${shellSafe(cliPath)}`;
}

/** The `-c` and `--data-dir` the user gave, to repeat in the commands a message suggests. */
export function repeatedFlags(values: {
  config?: string | undefined;
  'data-dir'?: string | undefined;
}): string {
  return [
    ...(values.config ? ['-c', shellSafe(values.config)] : []),
    ...(values['data-dir'] ? ['--data-dir', shellSafe(values['data-dir'])] : []),
  ]
    .map((word) => ` ${word}`)
    .join('');
}
