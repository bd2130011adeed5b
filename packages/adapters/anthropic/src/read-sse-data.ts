import { createParser } from 'eventsource-parser';

const STREAM_OPTION = { stream: true } as const;

/**
 * Yields the `data` of each server-sent event in a response body. Lines and UTF-8 characters may
 * be split anywhere across network pieces; LF, CRLF and CR line ends are accepted; an event whose
 * final blank line never came is still delivered when the body ends. Stopping early cancels the
 * body so the transfer stops.
 */
export async function* readSSEData(
  body: ReadableStream<Uint8Array>,
): AsyncGenerator<string, void, undefined> {
  const pending: string[] = [];
  const parser = createParser({ onEvent: (event) => pending.push(event.data) });
  const decoder = new TextDecoder();
  const reader = body.getReader();
  let finished = false;
  try {
    while (true) {
      const { done, value } = await reader.read();
      if (done) break;
      parser.feed(decoder.decode(value, STREAM_OPTION));
      for (let i = 0; i < pending.length; i++) yield pending[i] as string;
      pending.length = 0;
    }
    finished = true;
    parser.feed(`${decoder.decode()}\n\n`);
    for (const data of pending) yield data;
  } finally {
    if (!finished) reader.cancel().catch(() => {});
  }
}
