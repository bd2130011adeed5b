import type { ChatServerRequest, ChatServerResult, SSEWriter } from './chat-server-types.js';

const encoder = new TextEncoder();

async function* readStream(stream: ReadableStream<Uint8Array>): AsyncGenerator<Uint8Array> {
  const reader = stream.getReader();
  let done = false;
  try {
    while (true) {
      const next = await reader.read();
      if (next.done) {
        done = true;
        return;
      }
      yield next.value;
    }
  } finally {
    if (!done) reader.cancel().catch(() => {});
  }
}

/**
 * The web binding: `Request` in, `Response` out. The stream body is pulled by the client, so a
 * slow reader slows the adapter down instead of filling memory; cancelling the body (client gone)
 * aborts the adapter.
 */
export function fetchHandler(
  handle: (request: ChatServerRequest) => Promise<ChatServerResult>,
): (request: Request) => Promise<Response> {
  return async (request) => {
    const controller = new AbortController();
    const abort = () => controller.abort(request.signal.reason);
    if (request.signal.aborted) abort();
    else request.signal.addEventListener('abort', abort, { once: true });
    const result = await handle({
      method: request.method,
      url: request.url,
      header: (name) => request.headers.get(name) ?? undefined,
      body: request.body ? readStream(request.body) : null,
      signal: controller.signal,
    });
    if (result.type === 'json') {
      request.signal.removeEventListener('abort', abort);
      return new Response(result.body, { status: result.status, headers: result.headers });
    }
    let wake: (() => void) | undefined;
    let closed = false;
    const body = new ReadableStream<Uint8Array>(
      {
        start(stream) {
          const writer: SSEWriter = {
            write(frame) {
              if (closed) return true;
              stream.enqueue(encoder.encode(frame));
              return (stream.desiredSize ?? 0) > 0;
            },
            drain() {
              if (closed || (stream.desiredSize ?? 0) > 0) return Promise.resolve();
              return new Promise((resolve) => {
                wake = resolve;
              });
            },
          };
          void result.pipe(writer).then(() => {
            request.signal.removeEventListener('abort', abort);
            if (!closed) {
              closed = true;
              stream.close();
            }
          });
        },
        pull() {
          wake?.();
          wake = undefined;
        },
        cancel() {
          closed = true;
          controller.abort();
          wake?.();
          wake = undefined;
        },
      },
      { highWaterMark: 8 },
    );
    return new Response(body, { status: result.status, headers: result.headers });
  };
}
