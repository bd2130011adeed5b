import type { IncomingMessage, ServerResponse } from 'node:http';
import { AuthenticationError, ProtocolError, toProtocolError } from '@switchyard/protocol';
import { bearerToken, type Logger } from '@switchyard/server-kit';
import type { Accounting, Principal } from '../accounting/index.js';
import { handleAdmin, handleUsage } from '../admin/admin-api.js';
import { serveEmbeddings } from '../embeddings/serve-embeddings.js';
import type { ModelCatalog } from '../routing/model-catalog.js';
import type { Router } from '../routing/router.js';
import { readJson, sendError, sendJson, sendWebResponse, toWebRequest } from './node-web-bridge.js';
import { createGatewayOpenAPIDocument } from './openapi.js';
import type { GatewayRoute, RouteContext } from './route-table.js';

/** What the gateway's own routes read. */
export interface GatewayRoutesOptions {
  readonly accounting: Accounting;
  readonly catalog: ModelCatalog;
  readonly router: Router;
  /** True once shutdown began: `/readyz` answers 503. */
  readonly isDraining: () => boolean;
  /** `server.bodyLimitBytes`, for the bodies of the admin API and of embeddings. */
  readonly bodyLimit: number;
  /** Where embeddings requests log (per request id). */
  readonly logger: Logger;
  /** `/metrics` of a cluster worker: every worker's, summed; this process's own otherwise. */
  readonly renderMetrics: (() => Promise<string>) | undefined;
  /** The playground's files, when it is served; true when it answered. */
  readonly serveStatic: ((req: IncomingMessage, res: ServerResponse, path: string) => boolean) | undefined;
}

const isAccountingPath = (path: string): boolean =>
  path === '/v1/usage' || path === '/admin' || path.startsWith('/admin/');

/** API paths never fall through to the playground's index.html. */
const isApiPath = (path: string): boolean => path === '/v1' || path.startsWith('/v1/');

/**
 * The routes the gateway serves beside the protocol's (server-kit answers `/v1/chat/completions`
 * and `/v1/models` first): probes, metrics, the OpenAPI document, usage and the admin API, the
 * playground, and `/`.
 */
export function gatewayRoutes(options: GatewayRoutesOptions): GatewayRoute[] {
  const { accounting, catalog, router, isDraining, serveStatic } = options;
  let openapi: string | undefined;
  return [
    { path: '/healthz', handle: ({ res }) => sendJson(res, 200, { status: 'ok' }) },
    {
      path: '/readyz',
      handle: ({ res }) =>
        isDraining()
          ? sendJson(res, 503, { status: 'draining' })
          : sendJson(res, 200, {
              status: 'ready',
              providers: catalog.status(),
              deployments: router.deploymentStates(),
            }),
    },
    {
      method: 'GET',
      path: '/metrics',
      handle: async ({ res }) => {
        const body = options.renderMetrics ? await options.renderMetrics() : accounting.renderMetrics();
        res.writeHead(200, { 'content-type': 'text/plain; version=0.0.4; charset=utf-8' });
        res.end(body);
      },
    },
    {
      method: 'GET',
      path: '/openapi.json',
      handle: ({ res }) => {
        openapi ??= JSON.stringify(createGatewayOpenAPIDocument());
        res.writeHead(200, { 'content-type': 'application/json', 'access-control-allow-origin': '*' });
        res.end(openapi);
      },
    },
    {
      path: isAccountingPath,
      setsRequestId: true,
      handle: (context) => serveAccounting(accounting, options.bodyLimit, context),
    },
    {
      method: 'POST',
      path: '/v1/embeddings',
      setsRequestId: true,
      handle: (context) => serveEmbeddingsRoute(options, context),
    },
    ...(serveStatic
      ? [
          {
            path: (path: string) => !isApiPath(path),
            setsRequestId: true,
            handle: ({ req, res, path }: RouteContext) => serveStatic(req, res, path),
          } as const,
        ]
      : []),
    {
      method: 'GET',
      path: '/',
      setsRequestId: true,
      handle: ({ res }) =>
        sendJson(res, 200, {
          name: 'switchyard',
          status: 'ok',
          playground: 'not built: run `pnpm --filter @switchyard/playground build`, then restart',
          docs: '/openapi.json',
        }),
    },
  ];
}

/** The caller's key, or undefined once its refusal was sent. */
async function authenticate(
  accounting: Accounting,
  { req, res, requestId }: RouteContext,
): Promise<Principal | undefined> {
  try {
    const { authorization } = req.headers;
    return await accounting.authenticateAsync(bearerToken(authorization), authorization);
  } catch (error) {
    const refusal = AuthenticationError.isInstance(error) ? error : toProtocolError(error);
    sendError(res, refusal.with({ requestId }));
    return undefined;
  }
}

/** `POST /v1/embeddings`: through keys, scopes, limits, budgets, routing and the ledger (`serveEmbeddings`). */
async function serveEmbeddingsRoute(
  options: GatewayRoutesOptions,
  context: RouteContext,
): Promise<undefined> {
  const { req, res, requestId } = context;
  const principal = await authenticate(options.accounting, context);
  if (!principal) return;
  const body = await readJson(toWebRequest(req, options.bodyLimit));
  if (ProtocolError.isInstance(body)) {
    sendError(res, body.with({ requestId }));
    return;
  }
  const left = new AbortController();
  res.once('close', () => left.abort());
  const { accounting, catalog, router, logger } = options;
  const answer = await serveEmbeddings(
    { accounting, catalog, router, logger },
    { principal, requestId, body, signal: left.signal },
  );
  sendJson(res, answer.status, answer.body, answer.headers);
}

/** `/v1/usage` and `/admin/*`: authenticated with an API key, answered as web Request/Response. */
async function serveAccounting(
  accounting: Accounting,
  bodyLimit: number,
  context: RouteContext,
): Promise<undefined> {
  const { req, res, path, requestId } = context;
  const principal = await authenticate(accounting, context);
  if (!principal) return;
  const request = toWebRequest(req, bodyLimit);
  const response =
    path === '/v1/usage'
      ? await handleUsage(accounting, request, principal, requestId)
      : await handleAdmin(accounting, request, principal, requestId);
  await sendWebResponse(res, response);
}
