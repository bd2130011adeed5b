import type { ChatRoute } from './chat-server-types.js';

/** A matched protocol route; `allow` lists its methods for 405 answers. */
export interface RouteMatch {
  readonly route: ChatRoute;
  readonly allow: string;
  /** The model id of `GET /v1/models/:id` (may contain `/`, e.g. `simulator/echo`). */
  readonly modelId?: string;
}

const MODELS_PREFIX = '/v1/models/';

/** Maps a path to a protocol route, or undefined when none matches. */
export function matchRoute(path: string): RouteMatch | undefined {
  if (path === '/v1/chat/completions') return { route: 'chat.completions', allow: 'POST' };
  if (path === '/v1/models') return { route: 'models.list', allow: 'GET' };
  if (path.startsWith(MODELS_PREFIX) && path.length > MODELS_PREFIX.length) {
    let modelId: string;
    try {
      modelId = decodeURIComponent(path.slice(MODELS_PREFIX.length));
    } catch {
      return undefined;
    }
    return { route: 'models.retrieve', allow: 'GET', modelId };
  }
  return undefined;
}

/** The path part of a request target: `/v1/models?x=1` → `/v1/models`; absolute URLs too. */
export function pathOf(url: string): string {
  let start = 0;
  if (!url.startsWith('/')) {
    const scheme = url.indexOf('://');
    if (scheme !== -1) {
      const slash = url.indexOf('/', scheme + 3);
      if (slash === -1) return '/';
      start = slash;
    }
  }
  const query = url.indexOf('?', start);
  const hash = url.indexOf('#', start);
  let end = url.length;
  if (query !== -1) end = query;
  if (hash !== -1 && hash < end) end = hash;
  return url.slice(start, end);
}
