import { createHash } from 'node:crypto';
import { createReadStream, existsSync, readFileSync, statSync } from 'node:fs';
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

/**
 * The playground's content security policy: its own scripts (and the inline ones of its
 * `index.html`, by hash), no framing, no plugins. `connect-src` stays open because the
 * playground may be pointed at another gateway.
 */
export function contentSecurityPolicy(indexHtml: string): string {
  const inline = [...indexHtml.matchAll(/<script\b(?![^>]*\bsrc=)[^>]*>([\s\S]*?)<\/script>/gi)].map(
    (m) =>
      `'sha256-${createHash('sha256')
        .update(m[1] ?? '')
        .digest('base64')}'`,
  );
  return [
    "default-src 'self'",
    `script-src 'self' ${inline.join(' ')}`.trim(),
    "style-src 'self' 'unsafe-inline'",
    "img-src 'self' data:",
    "font-src 'self' data:",
    "connect-src 'self' http: https:",
    "object-src 'none'",
    "base-uri 'none'",
    "form-action 'self'",
    "frame-ancestors 'none'",
  ].join('; ');
}

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
  const csp = contentSecurityPolicy(readFileSync(join(base, 'index.html'), 'utf8'));
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
      'content-security-policy': csp,
    });
    if (req.method === 'HEAD') res.end();
    else createReadStream(file).pipe(res);
    return true;
  };
}
