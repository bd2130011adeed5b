import type { IncomingMessage, ServerResponse } from 'node:http';
import { AbortError, ErrorCode } from '@switchyard/protocol';
import type { ChatServer, SSEWriter } from '../chat-server-types.js';

/** Options of {@link createNodeHandler}. */
export interface NodeHandlerOptions {
  /**
   * Called for requests outside the protocol routes instead of answering 404, e.g. to hand them
   * to other routes.
   */
  onUnmatched?(req: IncomingMessage, res: ServerResponse): void;
}

function headerOf(req: IncomingMessage, name: string): string | undefined {
  const value = req.headers[name];
  return Array.isArray(value) ? value.join(', ') : value;
}

/**
 * The request body as an async iterable, read with plain 'data' events (cheaper than the stream's
 * own async iterator). Stopping early pauses the request instead of destroying the socket, so an
 * error answer (413) can still be sent on it.
 */
function bodyOf(req: IncomingMessage): AsyncIterable<Uint8Array> {
  return {
    [Symbol.asyncIterator]() {
      const pieces: Buffer[] = [];
      let ended = false;
      let failure: unknown;
      let wake: (() => void) | undefined;
      const onData = (piece: Buffer) => {
        pieces.push(piece);
        wake?.();
      };
      const onEnd = () => {
        ended = true;
        wake?.();
      };
      const onError = (error: unknown) => {
        failure = error;
        wake?.();
      };
      const stop = () => {
        req.off('data', onData);
        req.off('end', onEnd);
        req.off('error', onError);
        req.off('aborted', onError);
      };
      req.on('data', onData);
      req.on('end', onEnd);
      req.on('error', onError);
      req.on('aborted', onError);
      return {
        async next(): Promise<IteratorResult<Uint8Array>> {
          while (pieces.length === 0 && !ended && failure === undefined) {
            await new Promise<void>((resolve) => {
              wake = resolve;
            });
            wake = undefined;
          }
          const piece = pieces.shift();
          if (piece) return { done: false, value: piece };
          stop();
          if (failure !== undefined) throw failure;
          return { done: true, value: undefined };
        },
        async return(): Promise<IteratorResult<Uint8Array>> {
          stop();
          req.pause();
          return { done: true, value: undefined };
        },
      };
    },
  };
}

function nodeWriter(res: ServerResponse): SSEWriter {
  return {
    write: (frame) => res.write(frame),
    drain: () =>
      new Promise((resolve) => {
        if (res.destroyed || res.writableEnded) {
          resolve();
          return;
        }
        const done = () => {
          res.off('drain', done);
          res.off('close', done);
          resolve();
        };
        res.on('drain', done);
        res.on('close', done);
      }),
  };
}

/**
 * Serves one request with `server` on node's `http` objects. SSE frames go straight to
 * `res.write` (one write per chunk, waiting for `drain` when the socket is full), and the
 * adapter's signal fires as soon as the response closes before it finished.
 */
export async function serveNodeRequest(
  server: ChatServer,
  req: IncomingMessage,
  res: ServerResponse,
  onUnmatched?: () => void,
): Promise<void> {
  const controller = new AbortController();
  const onClose = () => {
    if (!res.writableFinished) {
      controller.abort(
        new AbortError({ message: 'The client closed the connection.', code: ErrorCode.aborted }),
      );
    }
  };
  res.once('close', onClose);
  const result = await server.handle({
    method: req.method ?? 'GET',
    url: req.url ?? '/',
    header: (name) => headerOf(req, name),
    body: bodyOf(req),
    parsedBody: (req as { body?: unknown }).body,
    signal: controller.signal,
  });
  if (!result.matched && onUnmatched) {
    res.off('close', onClose);
    onUnmatched();
    return;
  }
  if (result.type === 'json') {
    if (!res.headersSent) {
      res.writeHead(result.status, { ...result.headers, 'content-length': Buffer.byteLength(result.body) });
    }
    res.end(result.body);
    return;
  }
  if (!res.headersSent) {
    res.writeHead(result.status, result.headers);
    res.flushHeaders();
  }
  res.socket?.setNoDelay(true);
  await result.pipe(nodeWriter(res));
  res.end();
}

/**
 * A `node:http` request listener for `server`: the fastest way to serve it from Node.
 * Requests outside the protocol routes get a 404 envelope unless `onUnmatched` takes them.
 *
 * @example
 * ```ts
 * import http from 'node:http';
 * http.createServer(createNodeHandler(createChatServer({ adapters: [adapter] }))).listen(8080);
 * ```
 */
export function createNodeHandler(
  server: ChatServer,
  options: NodeHandlerOptions = {},
): (req: IncomingMessage, res: ServerResponse) => Promise<void> {
  const { onUnmatched } = options;
  return (req, res) => serveNodeRequest(server, req, res, onUnmatched && (() => onUnmatched(req, res)));
}
