import type { AddressInfo } from 'node:net';
import OpenAI from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { server } from '../examples/serve-your-own-backend.js';

describe('the README example (serve your own backend)', () => {
  let baseURL: string;
  beforeAll(async () => {
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    baseURL = `http://127.0.0.1:${(server.address() as AddressInfo).port}/v1`;
  });
  afterAll(async () => {
    await new Promise((resolve) => {
      server.close(resolve);
      server.closeAllConnections();
    });
  });

  it('answers the official openai client, whole and streamed', async () => {
    const client = new OpenAI({ baseURL, apiKey: 'unused', maxRetries: 0 });
    const messages = [{ role: 'user' as const, content: 'hello there' }];
    const whole = await client.chat.completions.create({ model: 'shouter-1', messages });
    expect(whole.choices[0]?.message.content).toBe('HELLO THERE ');
    let streamed = '';
    for await (const chunk of await client.chat.completions.create({
      model: 'shouter-1',
      messages,
      stream: true,
    })) {
      streamed += chunk.choices[0]?.delta.content ?? '';
    }
    expect(streamed).toBe('HELLO THERE ');
    const models = await client.models.list();
    expect(models.data.map((model) => model.id)).toStrictEqual(['shouter-1']);
  });

  it('turns the backend error into a 429 the client understands', async () => {
    const client = new OpenAI({ baseURL, apiKey: 'unused', maxRetries: 0 });
    const error = await client.chat.completions
      .create({ model: 'shouter-1', messages: [{ role: 'user', content: 'too busy' }] })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(OpenAI.RateLimitError);
    expect((error as InstanceType<typeof OpenAI.RateLimitError>).code).toBe('rate_limit_exceeded');
  });
});
