import { createConnection, createServer, type Server, type Socket } from 'node:net';

/** A TCP relay in front of PostgreSQL that counts the statements its clients execute. */
export interface PostgresQueryCounter {
  /** The PostgreSQL URL to give a client instead of the real one. */
  readonly url: string;
  /** Statements executed so far through the relay, by every connection. */
  queries(): number;
  close(): Promise<void>;
}

/**
 * Relays every connection to `url`'s server unchanged and reads the client's side of the wire
 * protocol: each Execute (`E`, extended protocol: one per parameterised query) and each simple
 * Query (`Q`) counts one statement. The first message of a connection (startup) has no type byte.
 */
export async function countPostgresQueries(url: string): Promise<PostgresQueryCounter> {
  const target = new URL(url);
  let count = 0;
  const sockets = new Set<Socket>();
  const server: Server = createServer((client) => {
    const upstream = createConnection(Number(target.port || 5432), target.hostname);
    sockets.add(client).add(upstream);
    let pending = Buffer.alloc(0);
    let started = false;
    client.on('data', (chunk: Buffer) => {
      pending = Buffer.concat([pending, chunk]);
      for (;;) {
        const header = started ? 5 : 4;
        if (pending.length < header) break;
        const length = pending.readInt32BE(started ? 1 : 0) + (started ? 1 : 0);
        if (pending.length < length) break;
        if (started && (pending[0] === 0x45 || pending[0] === 0x51)) count += 1; // 'E', 'Q'
        started = true;
        pending = pending.subarray(length);
      }
      upstream.write(chunk);
    });
    upstream.pipe(client);
    const end = () => {
      client.destroy();
      upstream.destroy();
      sockets.delete(client);
      sockets.delete(upstream);
    };
    client.on('close', end).on('error', end);
    upstream.on('close', end).on('error', end);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  const relayed = new URL(url);
  relayed.hostname = '127.0.0.1';
  relayed.port = String(typeof address === 'object' && address ? address.port : 0);
  return {
    url: relayed.toString(),
    queries: () => count,
    close() {
      for (const socket of sockets) socket.destroy();
      return new Promise((resolve) => server.close(() => resolve()));
    },
  };
}
