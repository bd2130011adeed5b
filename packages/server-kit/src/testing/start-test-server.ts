import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createChatServer } from '../chat-server.js';
import type { ChatServer, ChatServerOptions } from '../chat-server-types.js';
import { createNodeHandler } from '../node/node-handler.js';

/** A chat server listening on a loopback port, for tests. */
export interface TestServer {
  /** e.g. `http://127.0.0.1:39215` — append `/v1/chat/completions`. */
  readonly url: string;
  readonly server: ChatServer;
  /** Stops listening and drops open connections. */
  close(): Promise<void>;
}

/**
 * Serves a chat server (or the options for one) over real HTTP on `127.0.0.1`, on a free port.
 *
 * @example
 * ```ts
 * const test = await startTestServer({ adapters: [myAdapter] });
 * const res = await fetch(`${test.url}/v1/models`);
 * await test.close();
 * ```
 */
export async function startTestServer(serverOrOptions: ChatServer | ChatServerOptions): Promise<TestServer> {
  const server = 'handle' in serverOrOptions ? serverOrOptions : createChatServer(serverOrOptions);
  const http = createServer(createNodeHandler(server));
  await new Promise<void>((resolve, reject) => {
    http.once('error', reject);
    http.listen(0, '127.0.0.1', () => resolve());
  });
  const { port } = http.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    server,
    close: () =>
      new Promise<void>((resolve) => {
        http.close(() => resolve());
        http.closeAllConnections();
      }),
  };
}
