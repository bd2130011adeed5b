// What the bench's proxies share: which headers pass through, and how the two ends of a proxied
// request end together.
import {
  Agent,
  type ClientRequest,
  type IncomingHttpHeaders,
  type Server,
  type ServerResponse,
} from 'node:http';
import type { AddressInfo } from 'node:net';

// Hop-by-hop headers are about one connection, not the message (RFC 9110 §7.6.1).
const HOP_BY_HOP = new Set([
  'connection',
  'keep-alive',
  'proxy-connection',
  'transfer-encoding',
  'te',
  'trailer',
  'upgrade',
]);

/** The proxies' connection pool to the upstream: keep-alive, unbounded. */
export function upstreamAgent(): Agent {
  return new Agent({ keepAlive: true, keepAliveMsecs: 30_000, maxSockets: Infinity, maxFreeSockets: 4096 });
}

/** The headers that pass through a proxy. */
export function endToEnd(headers: IncomingHttpHeaders): IncomingHttpHeaders {
  const out: IncomingHttpHeaders = {};
  for (const name in headers) if (!HOP_BY_HOP.has(name)) out[name] = headers[name];
  return out;
}

/** An upstream failure becomes a 502 (or a cut answer); a client gone ends the upstream call. */
export function linkEnds(res: ServerResponse, upstream: ClientRequest): void {
  upstream.on('error', () => {
    if (!res.headersSent) {
      res.writeHead(502, { 'content-type': 'application/json' });
      res.end('{"error":{"message":"bad gateway","type":"server_error"}}');
    } else res.destroy();
  });
  res.on('close', () => {
    if (!res.writableFinished) upstream.destroy();
  });
}

/** Listens on 127.0.0.1 and prints `{"event":"listening","port":N}` for the harness. */
export function listenOnLoopback(server: Server, port: number): void {
  server.headersTimeout = 30_000;
  server.listen(port, '127.0.0.1', () => {
    const { port: bound } = server.address() as AddressInfo;
    process.stdout.write(`${JSON.stringify({ event: 'listening', port: bound })}\n`);
  });
}
