import type { DoorRoute, FrontDoor } from './front-door.js';

/** A matched protocol route; `allow` lists its methods for 405 answers. */
export type RouteMatch =
  /** A door's completion route. */
  | { readonly kind: 'completion'; readonly route: string; readonly allow: 'POST'; readonly door: FrontDoor }
  /** One of a door's extra routes. */
  | {
      readonly kind: 'door-route';
      readonly route: string;
      readonly allow: string;
      readonly door: FrontDoor;
      readonly doorRoute: DoorRoute;
      readonly params: Readonly<Record<string, string>>;
    }
  | {
      readonly kind: 'models';
      readonly route: 'models.list' | 'models.retrieve';
      readonly allow: 'GET';
      /** The model id of `GET /v1/models/:id` (may contain `/`, e.g. `simulator/echo`). */
      readonly modelId?: string;
    };

const MODELS_PREFIX = '/v1/models/';

/**
 * A door's extra route for `path`; with several methods on one path, the one of `method` wins,
 * and when none is `method`, `allow` lists them all (`GET, DELETE`) for the 405.
 */
function matchDoorRoute(door: FrontDoor, path: string, method: string): RouteMatch | undefined {
  let found: Extract<RouteMatch, { kind: 'door-route' }> | undefined;
  for (const doorRoute of door.routes ?? []) {
    const params = doorRoute.match(path);
    if (params === undefined) continue;
    const allow = found ? `${found.allow}, ${doorRoute.method}` : doorRoute.method;
    if (doorRoute.method === method) {
      return { kind: 'door-route', route: doorRoute.name, allow: doorRoute.method, door, doorRoute, params };
    }
    found = { kind: 'door-route', route: doorRoute.name, allow, door, doorRoute, params };
  }
  return found;
}

/** Maps a path to a protocol route, or undefined when none matches. */
export function matchRoute(
  path: string,
  method: string,
  doors: readonly FrontDoor[],
): RouteMatch | undefined {
  for (const door of doors) {
    if (path === door.path) return { kind: 'completion', route: door.name, allow: 'POST', door };
    const extra = matchDoorRoute(door, path, method);
    if (extra) return extra;
  }
  if (path === '/v1/models') return { kind: 'models', route: 'models.list', allow: 'GET' };
  if (path.startsWith(MODELS_PREFIX) && path.length > MODELS_PREFIX.length) {
    let modelId: string;
    try {
      modelId = decodeURIComponent(path.slice(MODELS_PREFIX.length));
    } catch {
      return undefined;
    }
    return { kind: 'models', route: 'models.retrieve', allow: 'GET', modelId };
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
