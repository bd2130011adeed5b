import { createHash } from 'node:crypto';
import {
  closeSync,
  constants,
  createReadStream,
  existsSync,
  fstatSync,
  openSync,
  readFileSync,
  realpathSync,
} from 'node:fs';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { extname, isAbsolute, join, relative as pathRelative, sep } from 'node:path';
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

/** An open regular file inside the root, found by its path relative to the root. */
interface RootFile {
  readonly fd: number;
  /** Relative to the root, after resolving symlinks. */
  readonly relative: string;
}

/** True when a path segment starts with a dot: `.env`, `.git/`, and `..` itself. */
function hasDotSegment(path: string): boolean {
  return path.split(/[\\/]/).some((segment) => segment.startsWith('.'));
}

/**
 * Opens `relative` under `root` (a real path) when, with every symlink resolved, it is a regular
 * file inside the root and no dotfile. The file stays readable once open, even if a rebuild
 * replaces it. `O_NONBLOCK` keeps a FIFO from blocking the open.
 */
function openInRoot(root: string, relative: string): RootFile | undefined {
  let real: string;
  try {
    real = realpathSync(join(root, relative));
  } catch {
    return undefined;
  }
  const inside = pathRelative(root, real);
  if (inside === '' || isAbsolute(inside) || hasDotSegment(inside)) return undefined;
  let fd: number;
  try {
    fd = openSync(real, constants.O_RDONLY | constants.O_NONBLOCK);
  } catch {
    return undefined;
  }
  if (fstatSync(fd).isFile()) return { fd, relative: inside };
  closeSync(fd);
  return undefined;
}

/**
 * Serves a static single-page build: files by path (hashed assets cached for a year), and
 * `index.html` for any other GET path so that client-side routes work. Never serves a dotfile
 * (any path segment starting with `.`) nor anything outside `root`, symlinks resolved. A file
 * that fails while being read goes to `onReadError`, which answers (or ends) the response.
 */
export function createStaticHandler(
  root: string,
  onReadError: (res: ServerResponse, error: unknown) => void,
): (req: IncomingMessage, res: ServerResponse, path: string) => boolean {
  const base = realpathSync(root);
  const csp = contentSecurityPolicy(readFileSync(join(base, 'index.html'), 'utf8'));
  return (req, res, path) => {
    if (req.method !== 'GET' && req.method !== 'HEAD') return false;
    let decoded: string;
    try {
      decoded = decodeURIComponent(path);
    } catch {
      return false;
    }
    if (hasDotSegment(decoded)) return false;
    const file =
      openInRoot(base, decoded) ?? (extname(decoded) === '' ? openInRoot(base, 'index.html') : undefined);
    if (!file) return false;
    res.statusCode = 200;
    res.setHeader('content-type', TYPES[extname(file.relative)] ?? 'application/octet-stream');
    res.setHeader(
      'cache-control',
      file.relative.startsWith(`assets${sep}`) ? 'public, max-age=31536000, immutable' : 'no-cache',
    );
    for (const [name, value] of Object.entries(SECURITY_HEADERS)) res.setHeader(name, value);
    res.setHeader('content-security-policy', csp);
    if (req.method === 'HEAD') {
      closeSync(file.fd);
      res.end();
      return true;
    }
    const stream = createReadStream(join(base, file.relative), { fd: file.fd });
    stream.once('error', (error) => onReadError(res, error));
    res.once('close', () => stream.destroy());
    stream.pipe(res);
    return true;
  };
}
