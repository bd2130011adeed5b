import { once } from 'node:events';
import { createServer } from 'node:net';

/** A base URL on 127.0.0.1 whose port refuses connections (a server was there, and closed). */
export async function startLocalUpstreamThatRefuses(): Promise<string> {
  const server = createServer();
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return `http://127.0.0.1:${port}/v1`;
}
