import type { IncomingMessage, ServerResponse } from 'node:http';
import type { ChatServer, SSEWriter } from '../chat-server-types.js';
import { endLingering } from './lingering-close.js';

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

/** Gathered frames are written at once past this many characters (a long answer in one read). */
const BATCH_CHARS = 16_384;

/**
 * The frames of one event-loop turn (typically all the chunks of one upstream read) leave as one
 * `res.write`: one chunked-encoding frame and one socket write instead of one per chunk. They are
 * written once the turn's promise jobs are done, or at once past {@link BATCH_CHARS}. No frame
 * waits longer than it would anyway: node itself holds every `res.write` until then (it corks the
 * socket until the next tick), so writing the first frame alone would only cost one more syscall.
 */
class NodeWriter implements SSEWriter {
  readonly #res: ServerResponse;
  #pending = '';
  #first = true;
  #scheduled = false;
  readonly #flushLater = () => {
    this.#scheduled = false;
    this.flush();
  };

  constructor(res: ServerResponse) {
    this.#res = res;
  }

  write(frame: string): boolean {
    if (this.#first) {
      // The first frame leaves now, with the headers, rather than after the rest of its turn's
      // frames were made: node corks the socket until the next tick, so uncork it at once.
      this.#first = false;
      const more = this.#res.write(frame);
      this.#res.socket?.uncork();
      return more;
    }
    this.#pending += frame;
    if (this.#pending.length >= BATCH_CHARS) return this.flush();
    if (!this.#scheduled) {
      this.#scheduled = true;
      process.nextTick(this.#flushLater);
    }
    return !this.#res.writableNeedDrain;
  }

  /** Writes what is gathered; false when the socket is full (wait for {@link drain}). */
  flush(): boolean {
    if (this.#pending === '') return !this.#res.writableNeedDrain;
    const frames = this.#pending;
    this.#pending = '';
    if (this.#res.destroyed) return true;
    return this.#res.write(frames);
  }

  /** Ends the response with what is still gathered. */
  end(): void {
    const frames = this.#pending;
    this.#pending = '';
    this.#res.end(frames);
  }

  drain(): Promise<void> {
    this.flush();
    const res = this.#res;
    if (res.destroyed || res.writableEnded || !res.writableNeedDrain) return Promise.resolve();
    return new Promise((resolve) => {
      const done = () => {
        res.off('drain', done);
        res.off('close', done);
        resolve();
      };
      res.on('drain', done);
      res.on('close', done);
    });
  }
}

/**
 * Serves one request with `server` on node's `http` objects. SSE frames go to `res.write`,
 * gathered per event-loop turn, waiting for `drain` when the socket is full, and the
 * adapter's signal fires as soon as the response closes before it finished.
 */
export async function serveNodeRequest(
  server: ChatServer,
  req: IncomingMessage,
  res: ServerResponse,
  onUnmatched?: () => void,
): Promise<void> {
  let gone: (() => void) | undefined;
  let closedEarly = false;
  const onClose = () => {
    if (res.writableFinished) return;
    closedEarly = true;
    gone?.();
  };
  res.once('close', onClose);
  const result = await server.handle({
    method: req.method ?? 'GET',
    url: req.url ?? '/',
    header: (name) => headerOf(req, name),
    body: bodyOf(req),
    parsedBody: (req as { body?: unknown }).body,
    onClientGone: (notify) => {
      gone = notify;
      if (closedEarly) notify();
    },
  });
  if (!result.matched && onUnmatched) {
    res.off('close', onClose);
    onUnmatched();
    return;
  }
  if (result.type === 'json') {
    if (!res.headersSent) {
      // Not `{ ...headers, 'content-length': … }`: a new key after a spread is slow on V8 (logger.ts).
      const headers: Record<string, string | number> = Object.assign({}, result.headers);
      headers['content-length'] = Buffer.byteLength(result.body);
      res.writeHead(result.status, headers);
    }
    // An answer given before the whole body was read (413) closes the connection: linger first.
    if (result.headers.connection === 'close') endLingering(req, res, result.body);
    else res.end(result.body);
    return;
  }
  // The headers leave with the first frame (a chunk, or a keep-alive while the model thinks).
  if (!res.headersSent) res.writeHead(result.status, result.headers);
  res.socket?.setNoDelay(true);
  const writer = new NodeWriter(res);
  await result.pipe(writer);
  writer.end();
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
