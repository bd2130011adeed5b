import type { AdapterContext } from '@switchyard/adapter-kit';
import { countTokens } from 'gpt-tokenizer/encoding/o200k_base';
import { describe, expect, it } from 'vitest';
import { embedText, SIMULATOR_EMBEDDING_DIMENSIONS } from './embed-text.js';
import { createSimulatorAdapter } from './simulator-adapter.js';

const context: AdapterContext = {
  requestId: 'req-1',
  signal: new AbortController().signal,
  deadline: undefined,
  logger: { debug() {}, info() {}, warn() {}, error() {} },
  locals: {},
};
const adapter = createSimulatorAdapter();
const dot = (a: readonly number[], b: readonly number[]) => a.reduce((sum, x, i) => sum + x * b[i]!, 0);

describe('simulator/embed', () => {
  it('gives deterministic unit vectors, closer for texts that share words', () => {
    const cat = embedText('The cat sat on the mat');
    expect(cat).toHaveLength(SIMULATOR_EMBEDDING_DIMENSIONS);
    expect(dot(cat, cat)).toBeCloseTo(1, 10);
    expect(embedText('The cat sat on the mat')).toEqual(cat);
    expect(dot(cat, embedText('a cat on a mat'))).toBeGreaterThan(
      dot(cat, embedText('stock prices fell sharply')),
    );
    const short = embedText('The cat sat on the mat', 8);
    expect(short).toHaveLength(8);
    expect(dot(short, short)).toBeCloseTo(1, 10);
  });

  it('embeds strings and token ids, as floats or base64, with their tokens as usage', async () => {
    const answer = await adapter.embed!(
      { model: 'simulator/embed', input: ['hello world', 'bye'], dimensions: 4 },
      context,
    );
    expect(answer).toMatchObject({ object: 'list', model: 'simulator/embed' });
    expect(answer.data.map((d) => d.index)).toEqual([0, 1]);
    expect(answer.data[0]!.embedding).toEqual(embedText('hello world', 4));
    const tokens = countTokens('hello world') + countTokens('bye');
    expect(answer.usage).toEqual({ prompt_tokens: tokens, total_tokens: tokens });

    const base64 = await adapter.embed!(
      { model: 'simulator/embed', input: 'hello world', encoding_format: 'base64' },
      context,
    );
    const bytes = Buffer.from(base64.data[0]!.embedding as string, 'base64');
    expect(bytes.length).toBe(SIMULATOR_EMBEDDING_DIMENSIONS * 4);
    expect(bytes.readFloatLE(0)).toBeCloseTo(embedText('hello world')[0]!, 6);

    const ids = await adapter.embed!({ model: 'simulator/embed', input: [[1, 2], [3]] }, context);
    expect(ids.data).toHaveLength(2);
    expect(ids.usage).toEqual({ prompt_tokens: 3, total_tokens: 3 });
  });

  it('refuses chat for the embedding model, embeddings for chat models, and too many dimensions (400)', async () => {
    await expect(
      adapter.complete!({ model: 'simulator/embed', messages: [{ role: 'user', content: 'hi' }] }, context),
    ).rejects.toMatchObject({
      status: 400,
      param: 'model',
      message: expect.stringContaining('is an embedding model'),
    });
    await expect(adapter.embed!({ model: 'simulator/echo', input: 'hi' }, context)).rejects.toMatchObject({
      status: 400,
      param: 'model',
      message: expect.stringContaining('does not embed'),
    });
    await expect(
      adapter.embed!({ model: 'simulator/embed', input: 'hi', dimensions: 1024 }, context),
    ).rejects.toMatchObject({ status: 400, param: 'dimensions' });
  });
});
