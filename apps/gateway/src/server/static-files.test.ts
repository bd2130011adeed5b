import { mkdirSync, mkdtempSync, rmSync, symlinkSync, unlinkSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { type AddressInfo, connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createStaticHandler, playgroundDir } from './static-files.js';

const SECRET = 'outside-the-root-3b1f';
const DOTENV = 'API_KEY=dotenv-secret-77c2';

/** Holds the root and, beside it, files that must never be served. */
let parent: string;
let root: string;
let server: Server;
let base: string;
/** Files the test server deletes right after the handler accepted a request for them. */
const vanishing = new Set<string>();

beforeAll(async () => {
  parent = mkdtempSync(join(tmpdir(), 'switchyard-static-'));
  root = join(parent, 'root');
  mkdirSync(join(root, 'assets'), { recursive: true });
  mkdirSync(join(root, '.git'));
  writeFileSync(join(root, 'index.html'), '<!doctype html><title>playground</title>');
  writeFileSync(join(root, 'assets', 'app-1234.js'), 'console.log(1)');
  writeFileSync(join(root, '.env'), DOTENV);
  writeFileSync(join(root, '.git', 'config'), DOTENV);
  writeFileSync(join(parent, 'secret.txt'), SECRET);
  symlinkSync(join(parent, 'secret.txt'), join(root, 'assets', 'leak.txt'));
  symlinkSync(parent, join(root, 'up'));
  symlinkSync('/proc/self/mem', join(root, 'assets', 'mem.js'));
  symlinkSync(join(root, '.env'), join(root, 'assets', 'env.txt'));
  const serve = createStaticHandler(root, (res) => {
    if (res.headersSent) res.destroy();
    else res.writeHead(500).end('read failed');
  });
  server = createServer((req, res) => {
    const path = (req.url ?? '/').split('?')[0]!;
    if (!serve(req, res, path)) {
      res.writeHead(404);
      res.end('not static');
    }
    // A rebuild replacing the file after the handler found it (the read is asynchronous).
    if (vanishing.has(path)) unlinkSync(join(root, path));
  });
  server.listen(0, '127.0.0.1');
  await new Promise((resolve) => server.once('listening', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(async () => {
  await new Promise((resolve) => server.close(resolve));
  rmSync(parent, { recursive: true, force: true });
});

/** Sends `GET <path>` exactly as written (fetch would normalise dot segments first). */
async function rawGet(path: string): Promise<{ status: number; body: string }> {
  const socket = connect(Number(new URL(base).port), '127.0.0.1');
  let answer = '';
  socket.setEncoding('utf8').on('data', (text: string) => {
    answer += text;
  });
  const closed = new Promise((resolve, reject) => socket.once('close', resolve).once('error', reject));
  socket.write(`GET ${path} HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n`);
  await closed;
  const [head = '', ...body] = answer.split('\r\n\r\n');
  return { status: Number(/^HTTP\/1\.1 (\d{3}) /.exec(head)?.[1]), body: body.join('\r\n\r\n') };
}

describe('static playground files', () => {
  it('serves index.html at / and for client-side routes, not cached, with security headers', async () => {
    for (const path of ['/', '/chat/123']) {
      const response = await fetch(`${base}${path}`);
      expect(response.status).toBe(200);
      expect(response.headers.get('content-type')).toBe('text/html; charset=utf-8');
      expect(response.headers.get('cache-control')).toBe('no-cache');
      expect(response.headers.get('x-content-type-options')).toBe('nosniff');
      expect(await response.text()).toContain('<title>playground</title>');
    }
  });

  it('serves hashed assets as immutable, and misses on unknown files', async () => {
    const asset = await fetch(`${base}/assets/app-1234.js`);
    expect(asset.headers.get('content-type')).toBe('text/javascript; charset=utf-8');
    expect(asset.headers.get('cache-control')).toBe('public, max-age=31536000, immutable');
    expect(await asset.text()).toBe('console.log(1)');
    expect((await fetch(`${base}/assets/missing.js`)).status).toBe(404);
  });

  it('never serves files outside its root, however the path is written', async () => {
    for (const path of [
      '/../secret.txt',
      '/%2e%2e/secret.txt',
      '/%2E%2E/secret.txt',
      '/assets/../../secret.txt',
      '/assets/..%2f..%2fsecret.txt',
      '/assets/%2e%2e%2f%2e%2e%2fsecret.txt',
      '/..%5csecret.txt',
      '//../secret.txt',
    ]) {
      const { status, body } = await rawGet(path);
      expect({ path, status }).toEqual({ path, status: 404 });
      expect(body).not.toContain(SECRET);
    }
  });

  it('serves no dotfile, whether asked for or reached through a symlink', async () => {
    for (const path of ['/.env', '/%2eenv', '/.git/config', '/assets/../.env', '/assets/env.txt']) {
      const { status, body } = await rawGet(path);
      expect({ path, status }).toEqual({ path, status: 404 });
      expect(body).not.toContain(DOTENV);
    }
  });

  it('follows no symlink out of its root, and survives one to /proc/self/mem', async () => {
    for (const path of ['/assets/leak.txt', '/up/secret.txt', '/assets/mem.js']) {
      const { status, body } = await rawGet(path);
      expect({ path, status }).toEqual({ path, status: 404 });
      expect(body).not.toContain(SECRET);
    }
    expect((await fetch(`${base}/assets/app-1234.js`)).status).toBe(200);
  });

  it('keeps serving when a file is removed while it is being read (a rebuild)', async () => {
    for (let i = 0; i < 20; i++) {
      const path = `/assets/chunk-${i}.js`;
      writeFileSync(join(root, path), `console.log(${i})`);
      vanishing.add(path);
      const response = await fetch(`${base}${path}`);
      // Either the file as it was when found, or a clean miss: never a crash or a hang.
      if (response.status === 200) expect(await response.text()).toBe(`console.log(${i})`);
      else expect(response.status).toBe(404);
    }
    expect((await fetch(`${base}/`)).status).toBe(200);
  });

  it('finds a playground build only where index.html exists, and can be switched off', () => {
    expect(playgroundDir(root)).toBe(root);
    expect(playgroundDir(join(root, 'assets'))).toBeUndefined();
    expect(playgroundDir(false)).toBeUndefined();
  });
});
