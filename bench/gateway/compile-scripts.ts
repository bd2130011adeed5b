// The benchmark's own processes (mock upstream, the proxies, soak client) run as plain JavaScript,
// like the built gateway: no TypeScript loader thread inflating their memory or start-up.
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';

const SOURCES = [
  'mock-upstream.ts',
  'bare-proxy.ts',
  'ledger-proxy.ts',
  'proxy-http.ts',
  'soak-client.ts',
  'fixtures.ts',
  'client.ts',
  'loopback-listen.ts',
];
let compiledDir: string | undefined;

/** Transpiles the process scripts into `<dir>/scripts` (ES modules); call once per run. */
export function compileScripts(dir: string): void {
  const out = join(dir, 'scripts');
  mkdirSync(out, { recursive: true });
  writeFileSync(join(out, 'package.json'), '{ "type": "module" }\n');
  for (const name of SOURCES) {
    const source = readFileSync(fileURLToPath(new URL(`./${name}`, import.meta.url)), 'utf8');
    const { outputText } = ts.transpileModule(source, {
      compilerOptions: { module: ts.ModuleKind.ESNext, target: ts.ScriptTarget.ES2022 },
      fileName: name,
    });
    writeFileSync(join(out, name.replace(/\.ts$/, '.js')), outputText);
  }
  compiledDir = out;
}

/** The path of a compiled process script, e.g. `script('mock-upstream')`. */
export function script(
  name: 'mock-upstream' | 'bare-proxy' | 'ledger-proxy' | 'soak-client' | 'loopback-listen',
): string {
  if (!compiledDir) throw new Error('compileScripts() must run first');
  return join(compiledDir, `${name}.js`);
}
