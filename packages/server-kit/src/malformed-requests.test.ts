import { request as httpRequest, type IncomingMessage } from 'node:http';
import { ErrorEnvelopeSchema } from '@switchyard/protocol';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { helloCompletion, scriptedAdapter } from '../test/support/scripted-adapter.js';
import { startTestServer, type TestServer } from './testing/start-test-server.js';

const LIMIT = 64 * 1024;
const base = { model: 'test-model', messages: [{ role: 'user', content: 'hi' }] };
const json = (value: unknown) => JSON.stringify(value);
const tool = (name: string, extra: Record<string, unknown> = {}) => ({
  type: 'function',
  function: { name, ...extra },
});

function nested(depth: number): string {
  return `${'['.repeat(depth)}"x"${']'.repeat(depth)}`;
}

interface Case {
  readonly name: string;
  /** The body: text, raw bytes, or a value to JSON-encode. */
  readonly body: string | Uint8Array;
  readonly method?: string;
  readonly path?: string;
  readonly headers?: Record<string, string>;
  readonly status: number;
  readonly code: string;
  readonly param?: string | null;
  /** A fragment the message must contain, where the wording matters to users. */
  readonly message?: string;
}

const cases: Case[] = [
  // Not JSON at all.
  { name: 'empty body', body: '', status: 400, code: 'invalid_json', message: 'empty' },
  { name: 'whitespace body', body: '  \n ', status: 400, code: 'invalid_json' },
  { name: 'truncated JSON', body: '{"model":"test-model","messages":[', status: 400, code: 'invalid_json' },
  { name: 'trailing garbage', body: `${json(base)} x`, status: 400, code: 'invalid_json' },
  { name: 'single quotes', body: "{'model':'test-model'}", status: 400, code: 'invalid_json' },
  {
    name: 'NaN literal',
    body: '{"model":"test-model","temperature":NaN}',
    status: 400,
    code: 'invalid_json',
  },
  {
    name: 'invalid UTF-8',
    body: new Uint8Array([
      ...Buffer.from('{"model":"test-model","messages":[{"role":"user","content":"'),
      0xc3,
      0x28,
      ...Buffer.from('"}]}'),
    ]),
    status: 400,
    code: 'invalid_json',
    message: 'UTF-8',
  },
  {
    name: 'nesting 10 000 deep',
    body: `{"model":"test-model","messages":${nested(10_000)}}`,
    status: 400,
    code: 'invalid_json',
    message: 'nested',
  },
  // Wrong top-level shape.
  { name: 'JSON array', body: '[]', status: 400, code: 'invalid_request', param: null },
  { name: 'JSON string', body: '"hi"', status: 400, code: 'invalid_request', param: null },
  { name: 'JSON null', body: 'null', status: 400, code: 'invalid_request', param: null },
  // Required fields and their types.
  {
    name: 'missing model',
    body: json({ messages: base.messages }),
    status: 400,
    code: 'invalid_request',
    param: 'model',
  },
  {
    name: 'numeric model',
    body: json({ ...base, model: 5 }),
    status: 400,
    code: 'invalid_request',
    param: 'model',
  },
  {
    name: 'empty model',
    body: json({ ...base, model: '' }),
    status: 400,
    code: 'invalid_request',
    param: 'model',
  },
  {
    name: 'missing messages',
    body: json({ model: 'test-model' }),
    status: 400,
    code: 'invalid_request',
    param: 'messages',
  },
  {
    name: 'empty messages',
    body: json({ ...base, messages: [] }),
    status: 400,
    code: 'invalid_request',
    param: 'messages',
  },
  {
    name: 'messages is an object',
    body: json({ ...base, messages: {} }),
    status: 400,
    code: 'invalid_request',
    param: 'messages',
  },
  // Messages.
  {
    name: 'message without role',
    body: json({ ...base, messages: [{ content: 'x' }] }),
    status: 400,
    code: 'invalid_request',
    param: 'messages[0].role',
  },
  {
    name: 'unknown role',
    body: json({ ...base, messages: [{ role: 'wizard', content: 'x' }] }),
    status: 400,
    code: 'invalid_request',
    param: 'messages[0].role',
    message: 'wizard',
  },
  {
    name: 'numeric content',
    body: json({ ...base, messages: [{ role: 'user', content: 5 }] }),
    status: 400,
    code: 'invalid_request',
    param: 'messages[0].content',
  },
  {
    name: 'null user content',
    body: json({ ...base, messages: [{ role: 'user', content: null }] }),
    status: 400,
    code: 'invalid_request',
    param: 'messages[0].content',
  },
  {
    name: 'tool message without tool_call_id',
    body: json({
      ...base,
      messages: [
        { role: 'user', content: 'x' },
        { role: 'tool', content: 'r' },
      ],
    }),
    status: 400,
    code: 'invalid_request',
    param: 'messages[1].tool_call_id',
  },
  {
    name: 'null assistant content without tool calls',
    body: json({ ...base, messages: [{ role: 'assistant', content: null }] }),
    status: 400,
    code: 'invalid_request',
    param: 'messages[0].content',
  },
  {
    name: 'tool call arguments as an object',
    body: json({
      ...base,
      messages: [
        { role: 'user', content: 'x' },
        {
          role: 'assistant',
          content: null,
          tool_calls: [{ id: 'c', type: 'function', function: { name: 'f', arguments: { a: 1 } } }],
        },
      ],
    }),
    status: 400,
    code: 'invalid_request',
    param: 'messages[1].tool_calls[0].function.arguments',
    message: 'JSON.stringify',
  },
  {
    name: 'unknown content part',
    body: json({ ...base, messages: [{ role: 'user', content: [{ type: 'video' }] }] }),
    status: 400,
    code: 'invalid_request',
    param: 'messages[0].content[0].type',
  },
  {
    name: 'image part without url',
    body: json({ ...base, messages: [{ role: 'user', content: [{ type: 'image_url', image_url: {} }] }] }),
    status: 400,
    code: 'invalid_request',
    param: 'messages[0].content[0].image_url.url',
  },
  // Sampling and limits.
  {
    name: 'temperature out of range',
    body: json({ ...base, temperature: 3 }),
    status: 400,
    code: 'invalid_request',
    param: 'temperature',
  },
  {
    name: 'temperature as a string',
    body: json({ ...base, temperature: 'hot' }),
    status: 400,
    code: 'invalid_request',
    param: 'temperature',
  },
  {
    name: 'negative top_p',
    body: json({ ...base, top_p: -1 }),
    status: 400,
    code: 'invalid_request',
    param: 'top_p',
  },
  { name: 'n of 0', body: json({ ...base, n: 0 }), status: 400, code: 'invalid_request', param: 'n' },
  { name: 'fractional n', body: json({ ...base, n: 1.5 }), status: 400, code: 'invalid_request', param: 'n' },
  {
    name: 'max_tokens of 0',
    body: json({ ...base, max_tokens: 0 }),
    status: 400,
    code: 'invalid_request',
    param: 'max_tokens',
  },
  {
    name: 'max_tokens overflowing to Infinity',
    body: '{"model":"test-model","messages":[{"role":"user","content":"hi"}],"max_tokens":1e400}',
    status: 400,
    code: 'invalid_request',
    param: 'max_tokens',
  },
  {
    name: 'max_tokens beyond safe integers',
    body: '{"model":"test-model","messages":[{"role":"user","content":"hi"}],"max_tokens":100000000000000000000}',
    status: 400,
    code: 'invalid_request',
    param: 'max_tokens',
  },
  {
    name: 'fractional seed',
    body: json({ ...base, seed: 1.5 }),
    status: 400,
    code: 'invalid_request',
    param: 'seed',
  },
  {
    name: 'stream as a string',
    body: json({ ...base, stream: 'yes' }),
    status: 400,
    code: 'invalid_request',
    param: 'stream',
  },
  {
    name: 'stream_options without stream',
    body: json({ ...base, stream_options: { include_usage: true } }),
    status: 400,
    code: 'invalid_request',
    param: 'stream_options',
  },
  {
    name: 'five stop sequences',
    body: json({ ...base, stop: ['a', 'b', 'c', 'd', 'e'] }),
    status: 400,
    code: 'invalid_request',
    param: 'stop',
  },
  {
    name: 'logit_bias out of range',
    body: json({ ...base, logit_bias: { '50256': 200 } }),
    status: 400,
    code: 'invalid_request',
    param: 'logit_bias["50256"]',
  },
  {
    name: 'top_logprobs without logprobs',
    body: json({ ...base, top_logprobs: 3 }),
    status: 400,
    code: 'invalid_request',
    param: 'top_logprobs',
  },
  // Tools and formats.
  {
    name: 'tools as an object',
    body: json({ ...base, tools: {} }),
    status: 400,
    code: 'invalid_request',
    param: 'tools',
  },
  {
    name: 'tool of unknown type',
    body: json({ ...base, tools: [{ type: 'retrieval' }] }),
    status: 400,
    code: 'invalid_request',
    param: 'tools[0].type',
  },
  {
    name: 'tool name with spaces',
    body: json({ ...base, tools: [tool('get weather')] }),
    status: 400,
    code: 'invalid_request',
    param: 'tools[0].function.name',
  },
  {
    name: 'tool parameters not an object schema',
    body: json({ ...base, tools: [tool('f', { parameters: { type: 'string' } })] }),
    status: 400,
    code: 'invalid_request',
    param: 'tools[0].function.parameters.type',
  },
  {
    name: 'duplicate tool names',
    body: json({ ...base, tools: [tool('f'), tool('f')] }),
    status: 400,
    code: 'invalid_request',
    param: 'tools[1].function.name',
  },
  {
    name: "tool_choice 'required' without tools",
    body: json({ ...base, tool_choice: 'required' }),
    status: 400,
    code: 'invalid_request',
    param: 'tool_choice',
  },
  {
    name: 'tool_choice naming an unknown function',
    body: json({ ...base, tools: [tool('f')], tool_choice: { type: 'function', function: { name: 'g' } } }),
    status: 400,
    code: 'invalid_request',
    param: 'tool_choice.function.name',
  },
  {
    name: 'unknown response_format type',
    body: json({ ...base, response_format: { type: 'xml' } }),
    status: 400,
    code: 'invalid_request',
    param: 'response_format.type',
  },
  {
    name: 'json_schema without a name',
    body: json({ ...base, response_format: { type: 'json_schema', json_schema: { schema: {} } } }),
    status: 400,
    code: 'invalid_request',
    param: 'response_format.json_schema.name',
  },
  {
    name: 'unknown thinking type',
    body: json({ ...base, thinking: { type: 'maybe' } }),
    status: 400,
    code: 'invalid_request',
    param: 'thinking.type',
  },
  {
    name: 'unknown reasoning_effort',
    body: json({ ...base, reasoning_effort: 'extreme' }),
    status: 400,
    code: 'invalid_request',
    param: 'reasoning_effort',
  },
  // Routing, media type, size.
  {
    name: 'unknown model',
    body: json({ ...base, model: 'gpt-nope' }),
    status: 404,
    code: 'model_not_found',
    param: 'model',
  },
  {
    name: 'form-encoded body',
    body: 'model=test-model',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    status: 415,
    code: 'unsupported_media_type',
  },
  {
    name: 'multipart body',
    body: json(base),
    headers: { 'content-type': 'multipart/form-data; boundary=x' },
    status: 415,
    code: 'unsupported_media_type',
  },
  {
    name: 'latin-1 charset',
    body: json(base),
    headers: { 'content-type': 'application/json; charset=iso-8859-1' },
    status: 415,
    code: 'unsupported_media_type',
  },
  {
    name: 'body over the limit',
    body: json({ ...base, messages: [{ role: 'user', content: 'x'.repeat(LIMIT) }] }),
    status: 413,
    code: 'body_too_large',
  },
  { name: 'GET on chat completions', body: '', method: 'GET', status: 405, code: 'method_not_allowed' },
  {
    name: 'DELETE on models',
    body: '',
    method: 'DELETE',
    path: '/v1/models',
    status: 405,
    code: 'method_not_allowed',
  },
  { name: 'unknown route', body: json(base), path: '/v1/completions', status: 404, code: 'not_found' },
];

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer({
    adapters: [scriptedAdapter({ complete: async () => helloCompletion() })],
    bodyLimit: LIMIT,
  });
});
afterAll(() => server.close());

interface RawResponse {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
}

/** Sends exact bytes with exact headers over a fresh connection (fetch would fix some of them). */
function send(options: {
  method?: string;
  path?: string;
  headers?: Record<string, string>;
  chunks: Array<string | Uint8Array>;
}): Promise<RawResponse> {
  return new Promise((resolve, reject) => {
    const url = new URL(server.url);
    const req = httpRequest(
      {
        host: url.hostname,
        port: url.port,
        method: options.method ?? 'POST',
        path: options.path ?? '/v1/chat/completions',
        headers: options.headers,
        agent: false,
      },
      (res) => {
        let body = '';
        res.setEncoding('utf8');
        res.on('data', (piece: string) => {
          body += piece;
        });
        res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }));
      },
    );
    // The server may answer (413) and close before the whole upload was written.
    req.on('error', (error: NodeJS.ErrnoException) => {
      if (error.code !== 'EPIPE' && error.code !== 'ECONNRESET') reject(error);
    });
    for (const chunk of options.chunks) req.write(chunk);
    req.end();
  });
}

function expectEnvelope(res: RawResponse, expected: { status: number; code: string; param?: string | null }) {
  expect(res.status).toBe(expected.status);
  expect(res.headers['content-type']).toBe('application/json');
  const envelope = ErrorEnvelopeSchema.parse(JSON.parse(res.body));
  const error = envelope.error as { code?: unknown; param?: unknown; type?: unknown; request_id?: unknown };
  expect(error.code).toBe(expected.code);
  if (expected.param !== undefined) expect(error.param).toBe(expected.param);
  expect(typeof error.type).toBe('string');
  expect(error.request_id).toBe(res.headers['x-request-id']);
  return envelope.error;
}

describe('malformed requests get the protocol error envelope', () => {
  it('has at least 40 cases', () => {
    expect(cases.length).toBeGreaterThanOrEqual(40);
  });

  for (const c of cases) {
    it(`${c.name} → ${c.status} ${c.code}${c.param ? ` (${c.param})` : ''}`, async () => {
      const body = typeof c.body === 'string' ? Buffer.from(c.body) : c.body;
      const res = await send({
        method: c.method,
        path: c.path,
        headers: {
          'content-type': 'application/json',
          'content-length': String(body.byteLength),
          ...c.headers,
        },
        chunks: c.method === 'GET' || c.method === 'DELETE' ? [] : [body],
      });
      const error = expectEnvelope(res, c);
      if (c.message) expect(error.message).toContain(c.message);
      if (c.status === 405) expect(res.headers.allow).toBe(c.path === '/v1/models' ? 'GET' : 'POST');
    });
  }

  it('refuses a declared oversized body without reading it', async () => {
    const res = await send({
      headers: { 'content-type': 'application/json', 'content-length': String(10 * 1024 ** 3) },
      chunks: ['{"model":'],
    });
    expectEnvelope(res, { status: 413, code: 'body_too_large' });
    expect(res.headers.connection).toBe('close');
  });

  it('stops reading a chunked upload at the limit: 413 while the client is still sending', async () => {
    // An upload that never ends on its own: the answer must come while it is under way, and the
    // server must stop taking bytes (a server that read on, to buffer or discard, takes 64 MiB).
    const url = new URL(server.url);
    const req = httpRequest({
      host: url.hostname,
      port: url.port,
      method: 'POST',
      path: '/v1/chat/completions',
      headers: { 'content-type': 'application/json', 'transfer-encoding': 'chunked' },
      agent: false,
    });
    req.on('error', () => undefined);
    let answered: IncomingMessage | undefined;
    const answer = new Promise<IncomingMessage>((resolve) => req.once('response', resolve));
    void answer.then((res) => {
      answered = res;
    });
    const stopped = new Promise((resolve) => req.once('close', resolve));
    const piece = 'x'.repeat(64 * 1024);
    let written = 0;
    req.write('{"model":"test-model","messages":[{"role":"user","content":"');
    while (!answered && !req.destroyed && written < 64 * 1024 * 1024) {
      written += piece.length;
      if (!req.write(piece))
        await Promise.race([new Promise((resolve) => req.once('drain', resolve)), answer, stopped]);
    }
    expect(written, 'bytes the server let the client write').toBeLessThan(16 * 1024 * 1024);
    const res = await answer;
    let text = '';
    for await (const part of res) text += part;
    req.destroy();
    expectEnvelope(
      { status: res.statusCode ?? 0, headers: res.headers, body: text },
      { status: 413, code: 'body_too_large' },
    );
  });

  it('keeps serving after every malformed request', async () => {
    const res = await fetch(`${server.url}/v1/chat/completions`, { method: 'POST', body: json(base) });
    expect(res.status).toBe(200);
    expect(await res.json()).toStrictEqual(helloCompletion());
  });
});
