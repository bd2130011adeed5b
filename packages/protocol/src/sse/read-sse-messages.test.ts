import { describe, expect, it } from 'vitest';
import { readSSEMessages, type SSEMessage } from './read-sse-messages.js';

function body(pieces: (string | Uint8Array)[], onCancel?: () => void): ReadableStream<Uint8Array> {
  const encoder = new TextEncoder();
  let i = 0;
  return new ReadableStream<Uint8Array>({
    pull(controller) {
      const piece = pieces[i++];
      if (piece === undefined) controller.close();
      else controller.enqueue(typeof piece === 'string' ? encoder.encode(piece) : piece);
    },
    cancel: () => onCancel?.(),
  });
}

async function all(stream: ReadableStream<Uint8Array>): Promise<SSEMessage[]> {
  const out: SSEMessage[] = [];
  for await (const m of readSSEMessages(stream)) out.push(m);
  return out;
}

describe('readSSEMessages', () => {
  it('yields named events with their data, across CRLF frames and split UTF-8', async () => {
    const euro = new TextEncoder().encode('€');
    const messages = await all(
      body([
        'event: message_start\r\ndata: {"a":1}\r\n\r\nevent: ping\r\nda',
        'ta: {}\r\n\r\ndata: "',
        euro.slice(0, 1),
        euro.slice(1),
        '"\r\n\r\n',
      ]),
    );
    expect(messages).toStrictEqual([
      { event: 'message_start', data: '{"a":1}' },
      { event: 'ping', data: '{}' },
      { event: undefined, data: '"€"' },
    ]);
  });

  it('delivers a last event whose blank line never came', async () => {
    expect(await all(body(['data: last']))).toStrictEqual([{ event: undefined, data: 'last' }]);
  });

  it('cancels the body when the consumer stops early', async () => {
    let cancelled = false;
    const stream = body(['data: 1\n\n', 'data: 2\n\n', 'data: 3\n\n'], () => {
      cancelled = true;
    });
    for await (const _ of readSSEMessages(stream)) break;
    expect(cancelled).toBe(true);
  });
});

describe('readSSEMessages with maxEventSize', () => {
  async function outcome(stream: ReadableStream<Uint8Array>, maxEventSize: number) {
    const seen: string[] = [];
    try {
      for await (const m of readSSEMessages(stream, { maxEventSize })) seen.push(m.data);
      return { seen, error: undefined };
    } catch (error) {
      return { seen, error: error as { code?: string; status?: number; message?: string } };
    }
  }

  it('yields the events before an oversized one, then throws bad_response and cancels the body', async () => {
    let cancelled = false;
    const stream = body(['data: small\n\n', `data: ${'x'.repeat(100)}\n\n`, 'data: after\n\n'], () => {
      cancelled = true;
    });
    const { seen, error } = await outcome(stream, 64);
    expect(seen).toStrictEqual(['small']);
    expect(error).toMatchObject({ code: 'bad_response', status: 502 });
    expect(error?.message).toContain('maximum size of 64 characters');
    expect(cancelled).toBe(true);
  });

  it('bounds an endless line that never completes an event', async () => {
    let cancelled = false;
    const pieces = ['data: ok\n\n', 'data: ', ...Array.from({ length: 20 }, () => 'y'.repeat(16))];
    const { seen, error } = await outcome(
      body(pieces, () => {
        cancelled = true;
      }),
      64,
    );
    expect(seen).toStrictEqual(['ok']);
    expect(error?.code).toBe('bad_response');
    expect(cancelled).toBe(true);
  });

  it('lets events up to the limit through', async () => {
    const { seen, error } = await outcome(body([`data: ${'z'.repeat(64)}\n\n`]), 64);
    expect(error).toBeUndefined();
    expect(seen).toStrictEqual(['z'.repeat(64)]);
  });
});
