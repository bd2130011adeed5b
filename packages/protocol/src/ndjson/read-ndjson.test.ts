import { describe, expect, it } from 'vitest';
import { ProtocolError } from '../errors/index.js';
import { readNDJSON } from './read-ndjson.js';

/** A body cut into pieces of `size` bytes, so lines and characters are split across reads. */
async function* piecesOf(text: string, size: number): AsyncGenerator<Uint8Array> {
  const bytes = new TextEncoder().encode(text);
  for (let i = 0; i < bytes.length; i += size) yield bytes.subarray(i, i + size);
}

async function all(
  body: ReadableStream<Uint8Array> | AsyncIterable<Uint8Array>,
  options = {},
): Promise<unknown[]> {
  const out: unknown[] = [];
  for await (const value of readNDJSON(body, options)) out.push(value);
  return out;
}

describe('readNDJSON', () => {
  it('yields one value per line, whatever the piece size, with CRLF, blank lines and no final line end', async () => {
    const text = '{"text":"héllo"}\r\n\n{"text":"wörld 🚂"}\n{"done":true}';
    for (const size of [1, 2, 3, 7, 1000]) {
      expect(await all(piecesOf(text, size))).toStrictEqual([
        { text: 'héllo' },
        { text: 'wörld 🚂' },
        { done: true },
      ]);
    }
  });

  it('fails with bad_response on a line that is not JSON, after the lines before it', async () => {
    const seen: unknown[] = [];
    const error = await (async () => {
      for await (const value of readNDJSON(piecesOf('{"a":1}\n{"a":\n', 4), { source: "provider 'acme'" }))
        seen.push(value);
    })().catch((e: unknown) => e);
    expect(seen).toStrictEqual([{ a: 1 }]);
    expect(ProtocolError.isInstance(error)).toBe(true);
    expect([(error as ProtocolError).code, (error as ProtocolError).message]).toStrictEqual([
      'bad_response',
      `A line of provider 'acme''s stream is not JSON: {"a":`,
    ]);
  });

  it('caps a line and cancels the body', async () => {
    let cancelled = false;
    const body = new ReadableStream<Uint8Array>({
      pull(controller) {
        controller.enqueue(new TextEncoder().encode('x'.repeat(64)));
      },
      cancel() {
        cancelled = true;
      },
    });
    const error = await all(body, { maxLineSize: 100 }).catch((e: unknown) => e);
    expect((error as ProtocolError).code).toBe('bad_response');
    expect(cancelled).toBe(true);
  });
});
