import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const SRC = fileURLToPath(new URL('.', import.meta.url));

/** The shipped sources: everything but tests, type tests, fixtures and test helpers. */
function shippedSources(dir = SRC): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return entry.name.startsWith('__') ? [] : shippedSources(path);
    return /\.ts$/.test(entry.name) && !/\.test(-d)?\.ts$/.test(entry.name) ? [path] : [];
  });
}

function withoutComments(source: string): string {
  return source.replace(/\/\*[\s\S]*?\*\/|\/\/.*$/gm, '');
}

const IMPORT = /(?:\bfrom\s*|\bimport\s*\(\s*|\bimport\s+)['"]([^'"]+)['"]/g;

describe('portability (browsers, Node, Deno, Bun)', () => {
  const files = shippedSources();

  it('finds the shipped sources', () => {
    expect(files.map((file) => relative(SRC, file))).toContain('client.ts');
  });

  it('imports only its own modules and @switchyard/protocol: no node: or other runtime-specific modules', () => {
    const offending = files.flatMap((file) =>
      [...readFileSync(file, 'utf8').matchAll(IMPORT)]
        .map((match) => match[1] as string)
        .filter((specifier) => !specifier.startsWith('./') && specifier !== '@switchyard/protocol')
        .map((specifier) => `${relative(SRC, file)}: ${specifier}`),
    );
    expect(offending).toStrictEqual([]);
  });

  it('uses no Node-only globals outside comments', () => {
    const offending = files.flatMap((file) =>
      [
        ...withoutComments(readFileSync(file, 'utf8')).matchAll(
          /\b(process|Buffer|require|__dirname|global)\b(?=\s*[.([])/g,
        ),
      ].map((match) => `${relative(SRC, file)}: ${match[1]}`),
    );
    expect(offending).toStrictEqual([]);
  });
});
