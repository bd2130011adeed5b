import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { readFileSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
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

describe('the README command that runs the example', () => {
  const readme = readFileSync(new URL('../README.md', import.meta.url), 'utf8');
  const command = readme.match(/^pnpm exec tsx .*serve-your-own-backend\.ts$/m)?.[0];
  const root = fileURLToPath(new URL('../../..', import.meta.url));

  it('starts the server on loopback only, answering the printed address', async () => {
    expect(command, 'the README shows the command').toBeDefined();
    const child = spawn('sh', ['-c', `exec ${command}`], { cwd: root, env: { ...process.env, PORT: '0' } });
    try {
      const [line] = (await once(createInterface({ input: child.stdout }), 'line')) as [string];
      const url = line.match(/^Listening on (http:\/\/(.+):\d+\/v1)$/);
      expect(url?.[2], line).toBe('127.0.0.1');
      const models = await (await fetch(`${url?.[1]}/models`)).json();
      expect(models.data[0].id).toBe('shouter-1');
    } finally {
      child.kill();
    }
  }, 60_000);
});
