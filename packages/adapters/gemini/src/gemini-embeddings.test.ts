import { type TestUpstream, testAdapterContext } from '@switchyard/adapter-kit/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startLocalUpstream } from '../test/support/local-upstream.js';
import { createGeminiAdapter } from './gemini-adapter.js';

// The upstream is a mock of Gemini's batchEmbedContents on real HTTP.
let upstream: TestUpstream;
beforeAll(async () => {
  upstream = await startLocalUpstream((request) => {
    const { requests } = JSON.parse(request.body) as { requests: unknown[] };
    return { body: JSON.stringify({ embeddings: requests.map((_, i) => ({ values: [i, 0.5] })) }) };
  });
});
afterAll(() => upstream.close());

const adapter = () => createGeminiAdapter({ baseURL: upstream.baseURL, apiKey: 'secret-key-123' });

describe('embed (mock Gemini upstream)', () => {
  it('posts batchEmbedContents, one request per input with outputDimensionality, and answers in the OpenAI shape', async () => {
    const answer = await adapter().embed!(
      { model: 'gemini-embedding-001', input: ['a', 'b'], dimensions: 2 },
      testAdapterContext(),
    );
    const received = upstream.requests.at(-1)!;
    expect(received.path).toBe('/v1beta/models/gemini-embedding-001:batchEmbedContents');
    expect(received.headers['x-goog-api-key']).toBe('secret-key-123');
    expect(JSON.parse(received.body)).toStrictEqual({
      requests: ['a', 'b'].map((text) => ({
        model: 'models/gemini-embedding-001',
        content: { parts: [{ text }] },
        outputDimensionality: 2,
      })),
    });
    expect(answer).toStrictEqual({
      object: 'list',
      data: [
        { object: 'embedding', index: 0, embedding: [0, 0.5] },
        { object: 'embedding', index: 1, embedding: [1, 0.5] },
      ],
      model: 'gemini-embedding-001',
    });
    const base64 = await adapter().embed!(
      { model: 'gemini-embedding-001', input: 'a', encoding_format: 'base64' },
      testAdapterContext(),
    );
    expect(Buffer.from(base64.data[0]!.embedding as string, 'base64').readFloatLE(4)).toBe(0.5);
  });

  it('refuses token ids: Gemini embeds text', async () => {
    await expect(
      adapter().embed!({ model: 'gemini-embedding-001', input: [1, 2, 3] }, testAdapterContext()),
    ).rejects.toMatchObject({ status: 400, param: 'input' });
  });
});
