import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import type { ChatCompletionRequest } from '@switchyard/protocol';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { shellQuote, toCurl, toJsLiteral, toPython, toPythonLiteral, toTypeScript } from './export-code.js';

const run = promisify(execFile);
const PACKAGE_DIR = fileURLToPath(new URL('../..', import.meta.url));
const CLIENT_ENTRY = fileURLToPath(new URL('../../../../packages/client/src/index.ts', import.meta.url));

// Awkward on purpose: quotes, a shell-special apostrophe, `$`, backslashes, newlines, unicode,
// a vendor field (`thinking`) and a property named __proto__.
const REQUEST: ChatCompletionRequest = {
  model: 'simulator/echo',
  messages: [
    { role: 'system', content: 'Don\'t "quote" me; cost is $5 \\ 100%.' },
    { role: 'user', content: 'Line one\nLine two: naïve café 🚀 `$(rm -rf /)`' },
  ],
  temperature: 0.5,
  max_tokens: 50,
  stop: ['###'],
  seed: 42,
  thinking: { type: 'disabled' },
  tools: [
    {
      type: 'function',
      function: {
        name: 'lookup',
        parameters: { type: 'object', properties: { 'a-b': { type: 'number' } } },
      },
    },
  ],
  response_format: { type: 'json_object' },
  stream: true,
  stream_options: { include_usage: true },
};
// Built with JSON.parse so "__proto__" is an own property, as it is after reading a request.
const REQUEST_BODY: ChatCompletionRequest = JSON.parse(
  JSON.stringify(REQUEST).replace('"properties":{', '"properties":{"__proto__":{"type":"string"},'),
);

/** A server that records request bodies and answers with a minimal valid stream. */
let server: Server;
let url = '';
const received: { body: unknown; authorization: string | undefined }[] = [];
beforeAll(async () => {
  server = createServer((req, res) => {
    let text = '';
    req.setEncoding('utf8');
    req.on('data', (part: string) => {
      text += part;
    });
    req.on('end', () => {
      received.push({ body: JSON.parse(text), authorization: req.headers.authorization });
      const chunk = (delta: object, finish: string | null) =>
        `data: ${JSON.stringify({ id: 'x', object: 'chat.completion.chunk', created: 1, model: 'm', choices: [{ index: 0, delta, finish_reason: finish }] })}\n\n`;
      res.writeHead(200, { 'content-type': 'text/event-stream', 'x-request-id': 'req_export' });
      res.end(chunk({ content: 'recorded' }, null) + chunk({}, 'stop') + 'data: [DONE]\n\n');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

async function lastBodyAfter(action: () => Promise<unknown>) {
  const before = received.length;
  await action();
  expect(received.length).toBe(before + 1);
  return received.at(-1)!;
}

describe('code export', () => {
  it('quotes shell words so that any text survives', () => {
    expect(shellQuote("it's")).toBe(`'it'\\''s'`);
  });

  it('the curl command, run by a shell, sends exactly the request body with the key from the environment', async () => {
    const command = toCurl(REQUEST_BODY, { gatewayURL: `${url}/` });
    expect(command).toContain('"Authorization: Bearer $SWITCHYARD_API_KEY"');
    const recorded = await lastBodyAfter(() =>
      run('sh', ['-c', command], { env: { ...process.env, SWITCHYARD_API_KEY: 'sk-from-env' } }),
    );
    expect(recorded.body).toEqual(REQUEST_BODY);
    expect(recorded.authorization).toBe('Bearer sk-from-env');
  });

  it('the curl command can carry the key itself', async () => {
    const command = toCurl(
      { ...REQUEST_BODY, stream: false, stream_options: undefined },
      { gatewayURL: url, apiKey: "sk-'quoted" },
    );
    expect(command).not.toContain(' -N ');
    const recorded = await lastBodyAfter(() => run('sh', ['-c', command]));
    expect(recorded.authorization).toBe("Bearer sk-'quoted");
  });

  it('the TypeScript program (@switchyard/client) sends exactly the request body', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'playground-export-'));
    try {
      // The only change: the package name points at the workspace source, since the temp dir has no node_modules.
      const code = toTypeScript(REQUEST_BODY, { gatewayURL: url }).replace(
        "from '@switchyard/client'",
        `from ${JSON.stringify(CLIENT_ENTRY)}`,
      );
      writeFileSync(join(dir, 'export.mts'), code);
      const recorded = await lastBodyAfter(async () => {
        const { stdout } = await run(
          process.execPath,
          ['--conditions=@switchyard/source', '--import', 'tsx', join(dir, 'export.mts')],
          {
            cwd: PACKAGE_DIR,
            env: { ...process.env, SWITCHYARD_API_KEY: 'sk-ts' },
          },
        );
        expect(stdout).toMatch(/^recorded\nstop .*req_export\n$/);
      });
      expect(recorded.body).toEqual(REQUEST_BODY);
      expect(recorded.authorization).toBe('Bearer sk-ts');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('the Python program sends exactly the request body (run with a stand-in `openai` module: the real one is not installed here)', async (context) => {
    const python = await run('python3', ['--version']).catch(() => null);
    if (!python && process.env.SWITCHYARD_REQUIRE_SERVICES === '1')
      throw new Error('SWITCHYARD_REQUIRE_SERVICES=1 but python3 is not on the PATH');
    if (!python) return context.skip();
    const dir = mkdtempSync(join(tmpdir(), 'playground-export-py-'));
    try {
      // The stand-in does what openai-python does with the call: named params + extra_body merged into one JSON body.
      writeFileSync(
        join(dir, 'openai.py'),
        [
          'import json, os, sys',
          'class _Completions:',
          '    def __init__(self, client): self.client = client',
          '    def create(self, extra_body=None, **params):',
          '        body = dict(params); body.update(extra_body or {})',
          '        json.dump({"body": body, "base_url": self.client.base_url, "api_key": self.client.api_key}, sys.stderr)',
          '        return []',
          'class _Chat:',
          '    def __init__(self, client): self.completions = _Completions(client)',
          'class OpenAI:',
          '    def __init__(self, base_url, api_key):',
          '        self.base_url = base_url; self.api_key = api_key; self.chat = _Chat(self)',
        ].join('\n'),
      );
      writeFileSync(join(dir, 'export.py'), toPython(REQUEST_BODY, { gatewayURL: url }));
      const { stderr } = await run('python3', [join(dir, 'export.py')], {
        cwd: dir,
        env: { ...process.env, PYTHONPATH: dir, SWITCHYARD_API_KEY: 'sk-py' },
      });
      const sent = JSON.parse(stderr) as { body: unknown; base_url: string; api_key: string };
      expect(sent.body).toEqual(REQUEST_BODY);
      expect(sent).toMatchObject({ base_url: `${url}/v1`, api_key: 'sk-py' });
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('writes vendor fields to extra_body in Python and keeps JS keys readable', () => {
    const python = toPython(REQUEST_BODY, { gatewayURL: url });
    expect(python).toContain('    extra_body={\n        "thinking": {\n            "type": "disabled",');
    expect(python).toContain('    stream=True,');
    expect(toPythonLiteral({ a: [true, false, null, 1.5] })).toBe(
      '{\n    "a": [\n        True,\n        False,\n        None,\n        1.5,\n    ],\n}',
    );
    expect(toJsLiteral({ model: 'm', 'a-b': 1, __proto__x: [] })).toBe(
      '{\n  model: "m",\n  "a-b": 1,\n  __proto__x: [],\n}',
    );
  });
});
