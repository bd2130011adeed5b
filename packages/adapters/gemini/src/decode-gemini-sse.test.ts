import { setTimeout as delay } from 'node:timers/promises';
import type { TestUpstream } from '@switchyard/adapter-kit/testing';
import { afterEach, describe, expect, it } from 'vitest';
import { fixture, fixturePayloads, startLocalUpstream } from '../test/support/local-upstream.js';
import { decodeGeminiSSE } from './decode-gemini-sse.js';

let upstream: TestUpstream | undefined;
afterEach(async () => {
  await upstream?.close();
  upstream = undefined;
});

/** Serves `bytes` over real HTTP in pieces of `size` bytes, each flushed on its own. */
async function decodeServed(bytes: Buffer, size: number) {
  upstream = await startLocalUpstream(() => ({
    write: async (response) => {
      response.writeHead(200, { 'content-type': 'text/event-stream' });
      for (let offset = 0; offset < bytes.length; offset += size) {
        response.write(bytes.subarray(offset, offset + size));
        await delay(0);
      }
      response.end();
    },
  }));
  const response = await fetch(upstream.baseURL);
  const events = [];
  for await (const event of decodeGeminiSSE(response.body!)) events.push(event);
  return events;
}

describe('decodeGeminiSSE', () => {
  it('decodes a CRLF-framed recorded stream cut into 61-byte pieces', async () => {
    const name = 'streaming-success-thinking-function-call-thought-summary-signature.txt';
    expect(await decodeServed(fixture(name), 61)).toStrictEqual(fixturePayloads(name));
  });

  it('keeps multi-byte UTF-8 characters split across pieces, and a last event without its blank line', async () => {
    const payload = { candidates: [{ content: { parts: [{ text: 'Grüße 👋 東京' }] } }] };
    const bytes = Buffer.from(`data: ${JSON.stringify(payload)}\r\n\r\ndata: ${JSON.stringify(payload)}`);
    expect(await decodeServed(bytes, 1)).toStrictEqual([payload, payload]);
  });

  it('ignores comments and a [DONE] a proxy may add', async () => {
    const bytes = Buffer.from(': keep-alive\n\ndata: {"responseId":"a"}\n\ndata: [DONE]\n\n');
    expect(await decodeServed(bytes, 64)).toStrictEqual([{ responseId: 'a' }]);
  });

  it('rejects a payload that is not a JSON object', async () => {
    await expect(decodeServed(Buffer.from('data: [1,2]\r\n\r\n'), 64)).rejects.toMatchObject({
      code: 'bad_response',
    });
  });
});
