import type { IncomingMessage, ServerResponse } from 'node:http';
import type { CorsConfig } from '../config/config-schema.js';

// What a browser app needs to read: the request id, routing and limit headers.
const EXPOSED = [
  'x-request-id',
  'x-switchyard-deployment',
  'x-switchyard-overhead-ms',
  'x-switchyard-cache',
  'age',
  'retry-after',
  'retry-after-ms',
  'x-should-retry',
  'x-ratelimit-limit-requests',
  'x-ratelimit-remaining-requests',
  'x-ratelimit-reset-requests',
  'x-ratelimit-limit-tokens',
  'x-ratelimit-remaining-tokens',
  'x-ratelimit-reset-tokens',
].join(', ');

/**
 * Adds CORS headers for an allowed origin on `/v1/*` (and `/admin/*` when enabled) and answers
 * preflight requests. Returns true when it answered the request (a preflight).
 */
export function applyCors(
  config: CorsConfig,
  req: IncomingMessage,
  res: ServerResponse,
  path: string,
): boolean {
  const origin = req.headers.origin;
  if (!origin || config.origins.length === 0) return false;
  const api = path === '/v1' || path.startsWith('/v1/');
  const admin = path === '/admin' || path.startsWith('/admin/');
  if (!api && !(admin && config.admin)) return false;
  if (!config.origins.includes('*') && !config.origins.includes(origin)) return false;
  res.setHeader('access-control-allow-origin', origin);
  res.setHeader('vary', 'origin');
  if (req.method !== 'OPTIONS') {
    res.setHeader('access-control-expose-headers', EXPOSED);
    return false;
  }
  res.writeHead(204, {
    'access-control-allow-methods': admin ? 'GET, POST, PATCH, DELETE, OPTIONS' : 'GET, POST, OPTIONS',
    'access-control-allow-headers': 'authorization, content-type, x-request-id',
    'access-control-max-age': '600',
  });
  res.end();
  return true;
}
