import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ProtocolError } from '@switchyard/protocol';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { openAccounting } from './index.js';

/** A loopback port nothing listens on. */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

const dirs: string[] = [];
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
  vi.restoreAllMocks();
});

describe('shared limits with Redis unreachable', () => {
  it('answers 503 retryable, reports the outage once, and prints nothing to stderr', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'switchyard-redis-outage-'));
    dirs.push(dir);
    const errors: unknown[] = [];
    const stderr = vi.spyOn(console, 'error');
    const accounting = await openAccounting({
      databasePath: join(dir, 'gateway.db'),
      redisUrl: `redis://:hunter2@127.0.0.1:${await closedPort()}`,
      onError: (error) => errors.push(error),
    });
    try {
      const principal = accounting.authenticate(accounting.createKey({ name: 'k', rpm: 10 }).secret);
      for (let i = 0; i < 3; i++) {
        const error = await accounting
          .admitAsync(principal, { model: 'm', requestId: `r${i}`, estimatedPromptTokens: 1 })
          .then(
            () => undefined,
            (e: unknown) => e,
          );
        expect(ProtocolError.isInstance(error) && [error.status, error.isRetryable]).toEqual([503, true]);
      }
      // ioredis keeps reconnecting meanwhile: still one report for the outage.
      await new Promise((resolve) => setTimeout(resolve, 300));
      const connectionErrors = errors.filter((e) => /ECONNREFUSED/.test(String(e)));
      expect(connectionErrors).toHaveLength(1);
      expect(errors.map(String).join(' ')).not.toContain('hunter2');
      expect(stderr.mock.calls.map(String).join(' ')).not.toContain('Unhandled error event');
    } finally {
      accounting.close();
    }
  });
});
