import type { IncomingMessage, ServerResponse } from 'node:http';
import { ErrorCode, NotFoundError } from '@switchyard/protocol';
import { resolveRequestId } from '@switchyard/server-kit';
import { sendError } from './node-web-bridge.js';

/** One request as a route sees it. */
export interface RouteContext {
  readonly req: IncomingMessage;
  readonly res: ServerResponse;
  /** The URL's path, without the query. */
  readonly path: string;
  readonly method: string;
  /** The answer's `x-request-id` (from the request's header, or a new one); reading it sets the header. */
  readonly requestId: string;
}

/** A route of the gateway's own, beside the protocol's: matched in table order, first taker answers. */
export interface GatewayRoute {
  /** The method it answers; any method when left out. */
  readonly method?: string;
  /** The exact path, or a test of the path. */
  readonly path: string | ((path: string) => boolean);
  /**
   * From this route on, answers carry an `x-request-id` (errors in their envelope too), set even
   * when the route does not match: the probes and documents above the first such route do not.
   */
  readonly setsRequestId?: true;
  /** Answers the request, or returns `false` (or a promise of it) to pass it on to the next route. */
  readonly handle: (context: RouteContext) => unknown;
}

/** The path of a request URL, without its query. */
export function pathOf(url: string | undefined): string {
  const raw = url ?? '/';
  const query = raw.indexOf('?');
  return query === -1 ? raw : raw.slice(0, query);
}

/** Answers a request with the first route of `routes` that takes it, or 404 in the error envelope. */
export function routeTable(
  routes: readonly GatewayRoute[],
): (req: IncomingMessage, res: ServerResponse) => Promise<void> {
  return async (req, res) => {
    const path = pathOf(req.url);
    const method = req.method ?? 'GET';
    let requestId: string | undefined;
    const tag = (): string => {
      if (requestId === undefined) {
        requestId = resolveRequestId(req.headers['x-request-id'] as string | undefined);
        res.setHeader('x-request-id', requestId);
      }
      return requestId;
    };
    for (const route of routes) {
      if (route.setsRequestId) tag();
      if (route.method !== undefined && route.method !== method) continue;
      if (typeof route.path === 'string' ? route.path !== path : !route.path(path)) continue;
      const context: RouteContext = {
        req,
        res,
        path,
        method,
        get requestId() {
          return tag();
        },
      };
      if ((await route.handle(context)) !== false) return;
    }
    sendError(
      res,
      new NotFoundError({
        message: `Unknown route: ${method} ${path.slice(0, 200)}`,
        code: ErrorCode.notFound,
        requestId: tag(),
      }),
    );
  };
}
