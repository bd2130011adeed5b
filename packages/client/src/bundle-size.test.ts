import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import { describe, expect, it } from 'vitest';

const PACKAGE_DIR = fileURLToPath(new URL('..', import.meta.url));
const KB = 1024;

async function gzipSize(bytes: Uint8Array): Promise<number> {
  const stream = new Blob([bytes as BlobPart]).stream().pipeThrough(new CompressionStream('gzip'));
  return (await new Response(stream).arrayBuffer()).byteLength;
}

/** Bundles `code` as an app would: esbuild, minified, ESM for browsers; zod (a peer) external. */
async function bundle(code: string): Promise<{ gzipped: number; text: string }> {
  const result = await build({
    stdin: { contents: code, resolveDir: PACKAGE_DIR, loader: 'ts', sourcefile: 'app.ts' },
    absWorkingDir: PACKAGE_DIR,
    bundle: true,
    minify: true,
    format: 'esm',
    platform: 'browser',
    target: 'es2022',
    conditions: ['@switchyard/source'],
    external: ['zod'],
    write: false,
    logLevel: 'silent',
  });
  const [output] = result.outputFiles;
  if (!output) throw new Error('esbuild produced no output');
  return { gzipped: await gzipSize(output.contents), text: output.text };
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
  import { createClient, parse, RefusalError, runTools } from '@switchyard/client';
  const client = createClient({ baseURL: 'https://example.test/v1' });
  const messages = [{ role: 'user', content: 'Hi' }];
  try {
    console.log(await parse(client, { model: 'm', messages, responseFormat: z.object({ a: z.string() }) }));
  } catch (error) {
    if (RefusalError.isInstance(error)) console.log(error.refusal);
  }
  const tool = { name: 't', parameters: z.object({}), run: () => 1 };
  console.log(await runTools(client, { model: 'm', messages, tools: [tool] }));
  for await (const event of runTools(client, { model: 'm', messages, tools: [tool], stream: true })) console.log(event);
`;

describe('bundle size (esbuild, minified, gzip; zod not counted)', () => {
  it('createClient with create() and streaming is at most 8 KB', async () => {
    const { gzipped, text } = await bundle(CREATE_AND_STREAM);

    expect(gzipped, `${gzipped} bytes gzipped`).toBeLessThanOrEqual(8 * KB);
    // Tree-shaking leaves parse() and runTools() out when they are not imported.
    expect(text).not.toMatch(/max_steps_exceeded|json_schema/);
  });

  it('with parse() and runTools() is at most 14 KB', async () => {
    const { gzipped, text } = await bundle(WITH_PARSE_AND_TOOLS);

    expect(gzipped, `${gzipped} bytes gzipped`).toBeLessThanOrEqual(14 * KB);
    expect(text).toMatch(/max_steps_exceeded/);
    expect(text).not.toMatch(/\bZodType\b|\$ZodType/);
  });

  it('bundles for the browser without Node built-ins', async () => {
    const { text } = await bundle(WITH_PARSE_AND_TOOLS);

    expect(text).not.toMatch(/["']node:/);
  });
});

describe('minified bundle', () => {
  it('keeps the names of the client errors although it renames their classes', async () => {
    const { text } = await bundle(`
      import { MaxStepsExceededError, RefusalError, ToolCallError } from '@switchyard/client';
      const answer = { choices: [] };
      globalThis.errorNames = {
        classes: [RefusalError.name, ToolCallError.name],
        errors: [new RefusalError('no', answer), new MaxStepsExceededError(1, [], null), new ToolCallError('x')]
          .map((error) => error.name),
      };
    `);
    const scope = globalThis as { errorNames?: { classes: string[]; errors: string[] } };
    try {
      new Function(text)();
      expect(scope.errorNames?.classes).not.toContain('RefusalError');
      expect(scope.errorNames?.errors).toStrictEqual([
        'RefusalError',
        'MaxStepsExceededError',
        'ToolCallError',
      ]);
    } finally {
      delete scope.errorNames;
    }
  });
});
