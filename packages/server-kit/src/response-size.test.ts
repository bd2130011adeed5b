import { afterEach, describe, expect, it } from 'vitest';
import { chunk, helloCompletion, scriptedAdapter, USAGE } from '../test/support/scripted-adapter.js';
import type { ChatFinishEvent, ChatServerOptions } from './chat-server-types.js';
import { startTestServer, type TestServer } from './testing/start-test-server.js';

let current: TestServer | undefined;
afterEach(async () => {
  await current?.close();
  current = undefined;
});

async function post(options: ChatServerOptions, stream: boolean): Promise<Response> {
  current = await startTestServer(options);
  return fetch(`${current.url}/v1/chat/completions`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ model: 'test-model', stream, messages: [{ role: 'user', content: 'hi' }] }),
  });
}

function finished(): { onFinish: (event: ChatFinishEvent) => void; event: Promise<ChatFinishEvent> } {
  let onFinish!: (event: ChatFinishEvent) => void;
  const event = new Promise<ChatFinishEvent>((resolve) => {
    onFinish = resolve;
  });
  return { onFinish, event };
}

describe('responseLimit', () => {
  it('answers a whole answer over the limit with a 502 bad_response envelope, keeping its usage', async () => {
    const big = helloCompletion();
    big.choices[0]!.message.content = 'é'.repeat(3_000); // 6,000 bytes, 3,000 characters
    const { onFinish, event } = finished();
    const adapter = scriptedAdapter({ complete: async () => big });
    const res = await post({ adapters: [adapter], responseLimit: 5_000, onFinish }, false);
    expect(res.status).toBe(502);
    const body = (await res.json()) as { error: { code: string; message: string } };
    expect(body.error.code).toBe('bad_response');
    expect(body.error.message).toMatch(/larger than 5000 bytes.*max_tokens or n/);
    expect(await event).toMatchObject({ status: 502, usage: USAGE, error: { code: 'bad_response' } });
  });

  it('ends an endless stream with a bad_response error event at the limit and stops the adapter', async () => {
    let stopped = false;
    const adapter = scriptedAdapter({
      stream: async function* () {
        try {
          yield chunk({ delta: { role: 'assistant', content: '' } });
          for (;;) yield chunk({ delta: { content: 'x'.repeat(1_000) } });
        } finally {
          stopped = true;
        }
      },
    });
    const { onFinish, event } = finished();
    const res = await post({ adapters: [adapter], responseLimit: 20_000, onFinish }, true);
    expect(res.status).toBe(200);
    const text = await res.text();
    expect(Buffer.byteLength(text)).toBeLessThan(20_000 + 1_000);
    const frames = text.split('\n\n').filter((frame) => frame !== '');
    expect(frames.at(-1)).toMatch(/^data: {"error":.*"code":"bad_response"/);
    expect(await event).toMatchObject({ status: 200, errorInStream: true, error: { code: 'bad_response' } });
    expect(stopped).toBe(true);
  });

  it('lets answers within the limit through untouched', async () => {
    const adapter = scriptedAdapter({ complete: async () => helloCompletion() });
    const res = await post({ adapters: [adapter], responseLimit: 5_000 }, false);
    expect(res.status).toBe(200);
    expect(((await res.json()) as { choices: unknown[] }).choices).toHaveLength(1);
  });
});
