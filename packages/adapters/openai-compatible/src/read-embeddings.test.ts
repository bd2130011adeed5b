import { serveBody, type TestUpstream, testAdapterContext } from '@switchyard/adapter-kit/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { JSON_TYPE, startLocalUpstream } from '../test/support/local-upstream.js';
import { createOpenAICompatibleAdapter } from './openai-compatible-adapter.js';

// The upstream is a mock OpenAI-compatible server on real HTTP.
let upstream: TestUpstream;
beforeAll(async () => {
  upstream = await startLocalUpstream();
});
afterAll(() => upstream.close());

const answer = {
  object: 'list',
  data: [{ object: 'embedding', index: 0, embedding: [0.6, 0.8] }],
  model: 'text-embedding-3-small',
  usage: { prompt_tokens: 2, total_tokens: 2 },
};

describe('embed (mock OpenAI-compatible upstream)', () => {
  it('passes the request through to POST /embeddings and the answer back as it came', async () => {
    upstream.respond(serveBody(JSON.stringify(answer), JSON_TYPE));
    const adapter = createOpenAICompatibleAdapter({
      name: 'mock',
      baseURL: upstream.baseURL,
      apiKey: 'sk-test',
    });
    const request = {
      model: 'text-embedding-3-small',
      input: ['hello'],
      dimensions: 2,
      encoding_format: 'float' as const,
    };
    expect(await adapter.embed!(request, testAdapterContext())).toStrictEqual(answer);
    const received = upstream.requests.at(-1)!;
    expect(received.path).toBe('/v1/embeddings');
    expect(received.headers.authorization).toBe('Bearer sk-test');
    expect(received.json).toStrictEqual(request);
  });

  it('relays an upstream error, and calls a non-list answer a bad response', async () => {
    const adapter = createOpenAICompatibleAdapter({ name: 'mock', baseURL: upstream.baseURL });
    upstream.respond(
      serveBody(
        JSON.stringify({ error: { message: 'model not found', type: 'invalid_request_error' } }),
        JSON_TYPE,
        { status: 404 },
      ),
    );
    await expect(adapter.embed!({ model: 'x', input: 'hi' }, testAdapterContext())).rejects.toMatchObject({
      status: 404,
    });
    upstream.respond(serveBody(JSON.stringify({ choices: [] }), JSON_TYPE));
    await expect(adapter.embed!({ model: 'x', input: 'hi' }, testAdapterContext())).rejects.toMatchObject({
      code: 'bad_response',
      message: 'The mock upstream answered POST /embeddings with something other than an embeddings list.',
    });
  });
});
