import { once } from 'node:events';
import { createServer, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { ProtocolError } from '@switchyard/protocol';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readLimitedText } from './read-limited-text.js';

const PIECE = Buffer.alloc(16 * 1024, 'x');
/** Bounds the endless body: far more than any limit below, stops by itself. */
const ENDLESS_CAP = 64 * 1024 * 1024;

let baseURL: string;
let lastResponse: Promise<{ finished: boolean; sent: number }> = Promise.resolve({ finished: true, sent: 0 });
const server = createServer((req, res) => {
  lastResponse = new Promise((resolve) => {
    let sent = 0;
    res.once('close', () => resolve({ finished: res.writableFinished, sent }));
    if (req.url === '/euro') {
      // A multi-byte character split across two writes.
      const euro = Buffer.from('a€b');
      res.write(euro.subarray(0, 2));
      setTimeout(() => res.end(euro.subarray(2)), 10);
      return;
    }
    const pump = (target: ServerResponse) => {
      while (sent < ENDLESS_CAP) {
        sent += PIECE.byteLength;
        if (!target.write(PIECE)) return void target.once('drain', () => pump(target));
      }
      target.end();
    };
    res.writeHead(200, { 'content-type': 'application/json' });
    pump(res);
  });
});

beforeAll(async () => {
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  baseURL = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(() => {
  server.closeAllConnections();
  server.close();
});

describe('readLimitedText', () => {
  it('an endless body stops at the limit: 502 bad_response, and the connection is released', async () => {
    const response = await fetch(`${baseURL}/endless`);
    const error = await readLimitedText(response.body, {
      maxBytes: 256 * 1024,
      source: 'the test upstream',
      requestId: 'req-1',
    }).catch((e: unknown) => e);
    expect(ProtocolError.isInstance(error)).toBe(true);
    expect(error).toMatchObject({
      code: 'bad_response',
      status: 502,
      requestId: 'req-1',
      isRetryable: false,
    });
    expect((error as Error).message).toBe('The answer of the test upstream is larger than 262144 bytes.');
    const upstream = await lastResponse;
    expect(upstream.finished).toBe(false);
    expect(upstream.sent).toBeLessThan(ENDLESS_CAP);
  });

  it('reads a body within the limit whole, characters split across pieces included', async () => {
    const response = await fetch(`${baseURL}/euro`);
    expect(await readLimitedText(response.body, { maxBytes: 5, source: 'x' })).toBe('a€b');
  });

  it('reads async iterables, and an absent body as empty text', async () => {
    async function* pieces() {
      yield new TextEncoder().encode('{"a":');
      yield new TextEncoder().encode('1}');
    }
    expect(await readLimitedText(pieces(), { maxBytes: 7, source: 'x' })).toBe('{"a":1}');
    await expect(readLimitedText(pieces(), { maxBytes: 6, source: 'x' })).rejects.toMatchObject({
      code: 'bad_response',
    });
    expect(await readLimitedText(null, { maxBytes: 1, source: 'x' })).toBe('');
  });
});
