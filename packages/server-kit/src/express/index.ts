import type { IncomingMessage, ServerResponse } from 'node:http';
import type { ChatServer } from '../chat-server-types.js';
import { serveNodeRequest } from '../node/node-handler.js';

/**
 * Express 5 middleware serving the protocol routes of `server` (`POST /v1/chat/completions`,
 * `GET /v1/models`, `GET /v1/models/:id`, relative to where it is mounted). Other paths go to
 * `next()`, so your own routes can live before or after it; wrong methods on protocol paths get
 * a 405 envelope. Mount it without `express.json()` in front: the server reads the body itself,
 * with its own limit (a body parsed earlier is used as is).
 *
 * @example
 * ```ts
 * const app = express();
 * app.get('/healthz', (_req, res) => res.send('ok'));
 * app.use(createExpressMiddleware(createChatServer({ adapters: [adapter] })));
 * app.listen(8080);
 * ```
 */
export function createExpressMiddleware(
  server: ChatServer,
): (req: IncomingMessage, res: ServerResponse, next: (error?: unknown) => void) => void {
  return (req, res, next) => {
    serveNodeRequest(server, req, res, () => next()).catch(next);
  };
}
