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
