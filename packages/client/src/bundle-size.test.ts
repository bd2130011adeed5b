import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build, type Metafile } from 'esbuild';
import { describe, expect, it } from 'vitest';

const PACKAGE_DIR = fileURLToPath(new URL('..', import.meta.url));
const KB = 1024;

interface BundleSize {
  /** Gzipped bytes loaded by the import itself: the entry chunk and the chunks it imports statically. */
  initial: number;
  /** Gzipped bytes of every chunk, lazily loaded ones (parse) included. */
  total: number;
  code: string;
}

async function gzipSize(bytes: Uint8Array): Promise<number> {
  const stream = new Blob([bytes as BlobPart]).stream().pipeThrough(new CompressionStream('gzip'));
  return (await new Response(stream).arrayBuffer()).byteLength;
}

/**
 * Bundles `code` the way an app would (esbuild, minified, ESM for browsers, code splitting on so
 * dynamic imports become lazy chunks), with zod external since it is a peer dependency.
 */
async function bundle(code: string): Promise<BundleSize> {
  const outdir = resolve(PACKAGE_DIR, '.bundle-size');
  const result = await build({
    stdin: { contents: code, resolveDir: PACKAGE_DIR, loader: 'ts', sourcefile: 'app.ts' },
    bundle: true,
    minify: true,
    splitting: true,
    format: 'esm',
    platform: 'browser',
    target: 'es2022',
    conditions: ['@switchyard/source'],
    external: ['zod'],
    outdir,
    write: false,
    metafile: true,
    logLevel: 'silent',
  });
  const outputs = (result.metafile as Metafile).outputs;
  const entry = Object.keys(outputs).find((path) => outputs[path]?.entryPoint) as string;
  const initial = new Set<string>();
  for (const stack = [entry]; stack.length > 0; ) {
    const path = stack.pop() as string;
    if (initial.has(path)) continue;
    initial.add(path);
    for (const imported of outputs[path]?.imports ?? []) {
      if (imported.kind === 'import-statement' && !imported.external) stack.push(imported.path);
    }
  }
  const size: BundleSize = { initial: 0, total: 0, code: '' };
  for (const file of result.outputFiles) {
    const gzipped = await gzipSize(file.contents);
    size.total += gzipped;
    if ([...initial].some((path) => resolve(PACKAGE_DIR, path) === file.path)) size.initial += gzipped;
    size.code += file.text;
  }
  return size;
}

const CREATE_AND_STREAM = `
  import { createClient } from '@switchyard/client';
  const client = createClient({ baseURL: 'https://example.test/v1', apiKey: 'k' });
  const messages = [{ role: 'user', content: 'Hi' }];
  console.log(await client.chat.completions.create({ model: 'm', messages }));
  const stream = await client.chat.completions.create({ model: 'm', messages, stream: true });
  for await (const text of stream.textStream()) console.log(text);
  console.log(await stream.finalCompletion());
`;

const WITH_PARSE_AND_TOOLS = `
  import { z } from 'zod';
  import { createClient, runTools } from '@switchyard/client';
  import { RefusalError } from '@switchyard/client/parse';
  const client = createClient({ baseURL: 'https://example.test/v1' });
  const messages = [{ role: 'user', content: 'Hi' }];
  try {
    console.log(await client.chat.completions.parse({ model: 'm', messages, responseFormat: z.object({ a: z.string() }) }));
  } catch (error) {
    if (RefusalError.isInstance(error)) console.log(error.refusal);
  }
  const tool = { name: 't', parameters: z.object({}), run: () => 1 };
  console.log(await runTools(client, { model: 'm', messages, tools: [tool] }));
  for await (const event of runTools(client, { model: 'm', messages, tools: [tool], stream: true })) console.log(event);
`;

describe('bundle size (esbuild, minified, gzip; zod not counted)', () => {
  it('createClient with create() and streaming loads at most 8 KB', async () => {
    const size = await bundle(CREATE_AND_STREAM);

    expect(size.initial, `${size.initial} bytes gzipped`).toBeLessThanOrEqual(8 * KB);
  });

  it('with parse() and runTools() stays at most 14 KB, lazily loaded parts included', async () => {
    const size = await bundle(WITH_PARSE_AND_TOOLS);

    expect(size.total, `${size.total} bytes gzipped`).toBeLessThanOrEqual(14 * KB);
    expect(size.code).not.toMatch(/\bZodType\b|\$ZodType/);
  });

  it('bundles for the browser without Node built-ins', async () => {
    const size = await bundle(CREATE_AND_STREAM);

    expect(size.code).not.toMatch(/["']node:/);
  });
});
