import { once } from 'node:events';
import { createServer, type Server } from 'node:http';
import { type AddressInfo, connect, type Socket } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { helloCompletion, scriptedAdapter } from '../test-helpers/scripted-adapter.js';
import { startTestServer, type TestServer } from '../testing/start-test-server.js';
import { endLingering, type LingerBounds } from './lingering-close.js';

let current: TestServer | undefined;
let bare: Server | undefined;
afterEach(async () => {
  await current?.close();
  current = undefined;
  bare?.closeAllConnections();
  bare?.close();
  bare = undefined;
});

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** A raw connection that starts a chunked upload; `answer()` is what it read, once it closed. */
async function chunkedUpload(url: string): Promise<{ socket: Socket; answer: () => Promise<string> }> {
  const { hostname, port } = new URL(url);
  const socket = connect(Number(port), hostname);
  await once(socket, 'connect');
  // A reset after the answer is not this helper's failure: what was read is the result.
  socket.on('error', () => undefined);
  const closed = new Promise((resolve) => socket.once('close', resolve));
  socket.pause();
  socket.write(
    'POST /v1/chat/completions HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n' +
      'Transfer-Encoding: chunked\r\n\r\n',
  );
  return {
    socket,
    answer: async () => {
      let raw = '';
      socket.setEncoding('utf8').on('data', (text: string) => {
        raw += text;
      });
      socket.resume();
      await closed;
      return raw;
    },
  };
}

const frame = (size: number) => `${size.toString(16)}\r\n${'x'.repeat(size)}\r\n`;

/** A server whose every answer is a lingering close, before reading the body. */
async function lingeringServer(bounds: LingerBounds): Promise<string> {
  bare = createServer((req, res) => {
    res.writeHead(413, { 'content-length': 2, connection: 'close' });
    endLingering(req, res, '{}', bounds);
  });
  bare.listen(0, '127.0.0.1');
  await once(bare, 'listening');
  return `http://127.0.0.1:${(bare.address() as AddressInfo).port}`;
}

describe('endLingering', () => {
  it('lets a client that goes on uploading after a 413 read the answer', async () => {
    current = await startTestServer({
      adapters: [scriptedAdapter({ complete: async () => helloCompletion() })],
      bodyLimit: 1024,
    });
    const upload = await chunkedUpload(current.url);
    // Past the limit, then more while the answer waits unread: a server that closed at once
    // reset the connection, the late write failed (EPIPE) and the client never saw its 413.
    for (let i = 0; i < 4; i++) upload.socket.write(frame(16 * 1024));
    await sleep(200);
    upload.socket.write(frame(16 * 1024));
    await sleep(50);
    upload.socket.write('0\r\n\r\n');
    const raw = await upload.answer();
    expect(raw).toMatch(/^HTTP\/1\.1 413 /);
    expect(raw).toMatch(/connection: close/i);
    expect(raw).toContain('"code":"body_too_large"');
  });

  it('stops reading an endless upload past its byte bound, and closes after its time bound', async () => {
    const url = await lingeringServer({ ms: 300, bytes: 256 * 1024 });
    const upload = await chunkedUpload(url);
    const piece = frame(64 * 1024);
    let open = true;
    const answer = upload.answer().finally(() => {
      open = false;
    });
    while (open && upload.socket.bytesWritten < 64 * 1024 * 1024) {
      if (!upload.socket.write(piece))
        await Promise.race([once(upload.socket, 'drain').catch(() => undefined), answer]);
    }
    // The bound plus what the kernel buffers took in.
    expect(upload.socket.bytesWritten).toBeLessThan(16 * 1024 * 1024);
    expect(await answer).toMatch(/^HTTP\/1\.1 413 [\s\S]*\{\}$/);
  });

  it('closes after its time bound when the client neither ends its upload nor goes', async () => {
    const url = await lingeringServer({ ms: 100, bytes: 1024 * 1024 });
    const upload = await chunkedUpload(url);
    upload.socket.write(frame(1024));
    expect(await upload.answer()).toMatch(/^HTTP\/1\.1 413 [\s\S]*\{\}$/);
  });
});
