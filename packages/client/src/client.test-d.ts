import { describe, expectTypeOf, it } from 'vitest';
import {
  type APIPromise,
  type ChatCompletion,
  type ChatCompletionChunk,
  type ChatCompletionCreateParams,
  type ChatCompletionStream,
  createClient,
  type RequestIdentified,
  type WithResponse,
} from './index.js';

const client = createClient({ baseURL: 'http://localhost:8787/v1' });
const messages = [{ role: 'user' as const, content: 'Hi' }];

describe('chat.completions.create', () => {
  it('returns a completion when the request does not stream', () => {
    expectTypeOf(client.chat.completions.create({ model: 'm', messages })).toEqualTypeOf<
      APIPromise<ChatCompletion & RequestIdentified>
    >();
    expectTypeOf(client.chat.completions.create({ model: 'm', messages, stream: false })).toEqualTypeOf<
      APIPromise<ChatCompletion & RequestIdentified>
    >();
  });

  it('returns a stream of typed chunks for stream: true', async () => {
    const stream = await client.chat.completions.create({ model: 'm', messages, stream: true });
    expectTypeOf(stream).toEqualTypeOf<ChatCompletionStream>();
    for await (const chunk of stream) expectTypeOf(chunk).toEqualTypeOf<ChatCompletionChunk>();
    expectTypeOf(stream.finalCompletion()).toEqualTypeOf<Promise<ChatCompletion & RequestIdentified>>();
    expectTypeOf(stream.textStream()).toExtend<AsyncIterable<string>>();
    expectTypeOf(stream.toReadableStream()).toEqualTypeOf<ReadableStream<ChatCompletionChunk>>();
  });

  it('returns the union when the stream flag is only known at runtime', () => {
    const params: ChatCompletionCreateParams = { model: 'm', messages, stream: Math.random() > 0.5 };
    expectTypeOf(client.chat.completions.create(params)).toEqualTypeOf<
      APIPromise<ChatCompletionStream | (ChatCompletion & RequestIdentified)>
    >();
  });

  it('exposes the request id and the raw response', async () => {
    const completion = await client.chat.completions.create({ model: 'm', messages });
    expectTypeOf(completion._requestId).toEqualTypeOf<string | null>();
    expectTypeOf(client.chat.completions.create({ model: 'm', messages }).withResponse()).toEqualTypeOf<
      Promise<WithResponse<ChatCompletion & RequestIdentified>>
    >();
  });

  it('rejects misspelled and mistyped request fields', () => {
    // @ts-expect-error: `temprature` is not a request field.
    void client.chat.completions.create({ model: 'm', messages, temprature: 1 });
    // @ts-expect-error: `messages` is required.
    void client.chat.completions.create({ model: 'm' });
    // @ts-expect-error: roles are a closed set.
    void client.chat.completions.create({ model: 'm', messages: [{ role: 'robot', content: 'x' }] });
  });

  it('takes per-call options', () => {
    void client.chat.completions.create(
      { model: 'm', messages },
      {
        signal: AbortSignal.timeout(1000),
        timeout: 5000,
        idleTimeout: 1000,
        maxRetries: 0,
        headers: { 'x-a': null },
      },
    );
  });
});
