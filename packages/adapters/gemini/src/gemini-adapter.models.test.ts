import type { TestUpstream } from '@switchyard/adapter-kit/testing';
import { ProtocolError } from '@switchyard/protocol';
import { afterEach, describe, expect, it } from 'vitest';
import { startLocalUpstream } from '../test/support/local-upstream.js';
import { createGeminiAdapter } from './gemini-adapter.js';

let upstream: TestUpstream | undefined;
afterEach(async () => {
  await upstream?.close();
  upstream = undefined;
});

describe('listModels', () => {
  it('lists the configured models without calling Gemini', async () => {
    const adapter = createGeminiAdapter({
      apiKey: 'key',
      baseURL: 'http://127.0.0.1:9/v1beta',
      models: ['gemini-2.5-flash'],
    });
    expect(await adapter.listModels({ signal: new AbortController().signal })).toStrictEqual([
      { id: 'gemini-2.5-flash', object: 'model', created: 0, owned_by: 'google' },
    ]);
  });

  it('pages through GET /models and keeps the models that support generateContent', async () => {
    upstream = await startLocalUpstream((request) => {
      const page = new URL(request.path, 'http://x').searchParams.get('pageToken');
      return {
        body: JSON.stringify(
          page === 'p2'
            ? {
                models: [
                  { name: 'models/gemini-3-pro-preview', supportedGenerationMethods: ['generateContent'] },
                ],
              }
            : {
                models: [
                  {
                    name: 'models/gemini-2.5-flash',
                    supportedGenerationMethods: ['generateContent', 'countTokens'],
                  },
                  { name: 'models/text-embedding-004', supportedGenerationMethods: ['embedContent'] },
                ],
                nextPageToken: 'p2',
              },
        ),
      };
    });
    const adapter = createGeminiAdapter({ apiKey: 'key', baseURL: upstream.baseURL });
    const models = await adapter.listModels({ signal: new AbortController().signal, requestId: 'r' });
    expect(models.map((model) => model.id)).toStrictEqual(['gemini-2.5-flash', 'gemini-3-pro-preview']);
    expect(upstream.requests.map((request) => request.path)).toStrictEqual([
      '/v1beta/models?pageSize=1000',
      '/v1beta/models?pageSize=1000&pageToken=p2',
    ]);
    expect(upstream.requests[0]?.headers['x-goog-api-key']).toBe('key');
  });

  it('reads the key from the apiKeyEnv variable at request time', async () => {
    upstream = await startLocalUpstream(() => ({ body: JSON.stringify({ models: [] }) }));
    const adapter = createGeminiAdapter({
      apiKeyEnv: 'SWITCHYARD_TEST_GEMINI_KEY',
      baseURL: upstream.baseURL,
    });
    try {
      const missing = await adapter
        .listModels({ signal: new AbortController().signal })
        .catch((e: unknown) => e);
      expect((missing as Error).message).toBe(
        'The Gemini adapter has no API key: set SWITCHYARD_TEST_GEMINI_KEY.',
      );
      process.env.SWITCHYARD_TEST_GEMINI_KEY = 'named-key';
      await adapter.listModels({ signal: new AbortController().signal });
      expect(upstream.requests[0]?.headers['x-goog-api-key']).toBe('named-key');
    } finally {
      delete process.env.SWITCHYARD_TEST_GEMINI_KEY;
    }
  });

  it('maps a listing failure like any Gemini error', async () => {
    upstream = await startLocalUpstream(() => ({
      status: 403,
      body: JSON.stringify({ error: { code: 403, message: 'Forbidden.', status: 'PERMISSION_DENIED' } }),
    }));
    const adapter = createGeminiAdapter({ apiKey: 'key', baseURL: upstream.baseURL });
    const error = await adapter
      .listModels({ signal: new AbortController().signal })
      .catch((caught: unknown) => caught);
    // The server's own key was refused: a 502 naming the provider, not the caller's 403.
    expect(ProtocolError.isInstance(error) && [error.status, error.code]).toEqual([
      502,
      'upstream_auth_failed',
    ]);
  });
});
