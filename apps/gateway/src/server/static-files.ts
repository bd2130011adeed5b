import { createReadStream, existsSync, statSync } from 'node:fs';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { extname, join, normalize, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';

const TYPES: Readonly<Record<string, string>> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json',
  '.map': 'application/json',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.webp': 'image/webp',
  '.woff2': 'font/woff2',
  '.txt': 'text/plain; charset=utf-8',
  '.webmanifest': 'application/manifest+json',
};

const SECURITY_HEADERS = {
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'no-referrer',
  'x-frame-options': 'DENY',
} as const;

/** `apps/playground/dist`, found from this file in `src/server` or `dist/server` of the gateway. */
export function defaultPlaygroundDir(): string {
  return fileURLToPath(new URL('../../../playground/dist', import.meta.url));
}

/** Where the playground build is, or undefined when it is switched off or not built. */
export function playgroundDir(setting: boolean | string): string | undefined {
  if (setting === false) return undefined;
  const dir = setting === true ? defaultPlaygroundDir() : setting;
  return existsSync(join(dir, 'index.html')) ? dir : undefined;
}

/**
 * Serves a static single-page build: files by path (hashed assets cached for a year), and
 * `index.html` for any other GET path so that client-side routes work. Never leaves `root`.
 */
export function createStaticHandler(
  root: string,
): (req: IncomingMessage, res: ServerResponse, path: string) => boolean {
  const base = resolve(root);
  return (req, res, path) => {
    if (req.method !== 'GET' && req.method !== 'HEAD') return false;
    let decoded: string;
    try {
      decoded = decodeURIComponent(path);
    } catch {
      return false;
    }
    let file = resolve(base, normalize(`.${sep}${decoded}`));
    if (file !== base && !file.startsWith(base + sep)) return false;
    let isFile = false;
    try {
      isFile = statSync(file).isFile();
    } catch {
      // not there: the SPA entry point below
    }
    if (!isFile) {
      if (extname(decoded) !== '') return false;
      file = join(base, 'index.html');
    }
    const immutable = file.includes(`${sep}assets${sep}`);
    res.writeHead(200, {
      'content-type': TYPES[extname(file)] ?? 'application/octet-stream',
      'cache-control': immutable ? 'public, max-age=31536000, immutable' : 'no-cache',
      ...SECURITY_HEADERS,
    });
    if (req.method === 'HEAD') res.end();
    else createReadStream(file).pipe(res);
    return true;
  };
}
