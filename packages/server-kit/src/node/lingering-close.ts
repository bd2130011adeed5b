import type { IncomingMessage, ServerResponse } from 'node:http';

/**
 * How long the connection of a refused upload stays open at most, and how many bytes of the
 * upload are read and thrown away meanwhile.
 */
export interface LingerBounds {
  readonly ms: number;
  readonly bytes: number;
}

/** nginx lingers up to 30 s; a refused chat request's upload either ends or is cut off well before. */
export const DEFAULT_LINGER: LingerBounds = { ms: 2_000, bytes: 1024 * 1024 };

/**
 * Ends a `connection: close` answer with a lingering close (nginx's `lingering_close`): the
 * answer leaves at once; the connection closes when the upload ends, the client goes, or
 * `bounds.ms` passed. Meanwhile up to `bounds.bytes` of the upload are read and thrown away, then
 * reading stops (a client still writing is held by full socket buffers, not read forever).
 * Closing at once, with the client's bytes unread, makes the kernel reset the connection: a
 * client still writing its upload then gets a write error before it reads the answer, and loses
 * it. The bytes already in the kernel's buffers count against `bounds.bytes`, so only the time
 * bound guarantees the client a chance to read. A body already read to its end is answered plainly.
 */
export function endLingering(
  req: IncomingMessage,
  res: ServerResponse,
  body: string,
  bounds: LingerBounds = DEFAULT_LINGER,
): void {
  if (req.readableEnded) {
    res.end(body);
    return;
  }
  res.write(body);
  let read = 0;
  const finish = () => {
    clearTimeout(timer);
    req.off('data', onData);
    req.off('end', finish);
    res.off('close', finish);
    req.pause();
    if (!res.destroyed) res.end();
  };
  const onData = (piece: Buffer) => {
    read += piece.length;
    if (read <= bounds.bytes) return;
    req.off('data', onData);
    req.pause();
  };
  const timer = setTimeout(finish, bounds.ms);
  req.on('data', onData);
  req.once('end', finish);
  res.once('close', finish);
  req.resume();
}
