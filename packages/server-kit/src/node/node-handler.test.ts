import { connect } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { body, chunk, scriptedAdapter } from '../../test/support/scripted-adapter.js';
import { startTestServer, type TestServer } from '../testing/start-test-server.js';

let current: TestServer | undefined;
afterEach(async () => {
  await current?.close();
  current = undefined;
});

/**
 * The raw HTTP/1.1 answer to one POST, read from a plain TCP socket; `onRaw` sees what arrived so
 * far after every read.
 */
async function rawPost(url: string, payload: string, onRaw?: (raw: string) => void): Promise<string> {
  const { hostname, port } = new URL(url);
  const socket = connect(Number(port), hostname);
  socket.write(
    `POST /v1/chat/completions HTTP/1.1\r\nHost: ${hostname}\r\nContent-Type: application/json\r\n` +
      `Content-Length: ${Buffer.byteLength(payload)}\r\nConnection: close\r\n\r\n${payload}`,
  );
  // Read up to the chunked body's last frame (SSE answers keep the connection open).
  let raw = '';
  for await (const piece of socket) {
    raw += (piece as Buffer).toString('utf8');
    onRaw?.(raw);
    if (raw.endsWith('\r\n0\r\n\r\n')) break;
  }
  socket.destroy();
  return raw;
}

/** The chunked-encoding frames of a raw answer's body (the last, empty one excluded). */
function chunkedFrames(raw: string): string[] {
  let rest = raw.slice(raw.indexOf('\r\n\r\n') + 4);
  const frames: string[] = [];
  for (;;) {
    const lineEnd = rest.indexOf('\r\n');
    const size = Number.parseInt(rest.slice(0, lineEnd), 16);
    if (!size) return frames;
    frames.push(rest.slice(lineEnd + 2, lineEnd + 2 + size));
    rest = rest.slice(lineEnd + 2 + size + 2);
  }
}

describe('createNodeHandler streaming', () => {
  it('sends the events of one burst as one frame', async () => {
    const pieces = Array.from({ length: 50 }, (_, i) => `piece ${i} `);
    current = await startTestServer({
      adapters: [
        scriptedAdapter({
          async *stream() {
            yield chunk({ delta: { role: 'assistant', content: '' } });
            // A burst: everything the upstream sent in one read, available without waiting.
            for (const content of pieces) yield chunk({ delta: { content } });
            yield chunk({ delta: {}, finish_reason: 'stop' });
          },
        }),
      ],
    });
    const raw = await rawPost(current.url, body({ stream: true }));
    expect(raw.startsWith('HTTP/1.1 200 OK')).toBe(true);
    const frames = chunkedFrames(raw);
    const events = frames.join('').split('\n\n').filter(Boolean);
    expect(events).toHaveLength(53); // role, 50 pieces, finish, [DONE]
    expect(events.at(-1)).toBe('data: [DONE]');
    // One frame per socket write: the burst, then [DONE] (after the finish report).
    expect(frames.length).toBeLessThanOrEqual(2);
  });

  it('sends an event without waiting for the next one', async () => {
    let release: () => void = () => {};
    const released = new Promise<void>((resolve) => {
      release = resolve;
    });
    current = await startTestServer({
      adapters: [
        scriptedAdapter({
          async *stream() {
            yield chunk({ delta: { role: 'assistant', content: 'first' } });
            // The rest comes only once the client has read the first event: held back, it never would.
            await released;
            yield chunk({ delta: {}, finish_reason: 'stop' });
          },
        }),
      ],
    });
    const raw = await rawPost(current.url, body({ stream: true }), (soFar) => {
      if (soFar.includes('"content":"first"')) release();
    });
    const events = chunkedFrames(raw).join('').split('\n\n').filter(Boolean);
    expect(events).toHaveLength(3);
    expect(events[0]).toContain('"content":"first"');
  });
});
