import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  createKey,
  type RunningGateway,
  removeDir,
  runCli,
  startGateway,
  tempDir,
} from './support/gateway-process.js';
import { pool } from './support/pool.js';
import { countPostgresQueries, type PostgresQueryCounter } from './support/postgres-query-counter.js';
import { freshDatabase, services, skipNote, skipWithout } from './support/services.js';

const skip = skipWithout('postgres', 'redis');
const ADMIN_KEY = `sk-sy-${randomBytes(32).toString('base64url')}`;
const PRICES = { 'simulator/echo': { input: 1_000_000, output: 1_000_000 } }; // $1 per token

interface Sent {
  requestId: string;
  status: number;
  /** The client read the whole answer (`[DONE]` for a stream). */
  completed: boolean;
}

async function chat(
  gateway: RunningGateway,
  key: string,
  options: { stream?: boolean; text?: string; maxTokens?: number } = {},
): Promise<Sent> {
  const requestId = `req_${randomBytes(8).toString('hex')}`;
  try {
    const response = await gateway.fetch('/v1/chat/completions', {
      key,
      method: 'POST',
      headers: { 'x-request-id': requestId },
      body: JSON.stringify({
        model: 'simulator/echo',
        messages: [{ role: 'user', content: options.text ?? 'hello there' }],
        stream: options.stream ?? false,
        ...(options.maxTokens ? { max_tokens: options.maxTokens } : {}),
      }),
    });
    const body = await response.text();
    const completed = response.status === 200 && (!options.stream || body.includes('data: [DONE]'));
    return { requestId, status: response.status, completed };
  } catch {
    return { requestId, status: 0, completed: false };
  }
}

describe.skipIf(skip)(
  `two gateway instances sharing PostgreSQL and Redis${skipNote('postgres', 'redis')}`,
  // Four processes on a shared CI machine: generous bounds; every test still ends by itself.
  { timeout: 60_000 },
  () => {
    let db: Awaited<ReturnType<typeof freshDatabase>>;
    let sql: pg.Client;
    /** A reaches PostgreSQL through this relay, which counts the statements A sends. */
    let aQueries: PostgresQueryCounter;
    const dirs = [tempDir(), tempDir()];
    let a: RunningGateway;
    let b: RunningGateway;

    /** A bounds its lookups of keys unknown to it below the default, for the flood test. */
    const A_LOOKUPS_PER_SECOND = 10;
    const startA = (dataDir: string) =>
      start(dataDir, aQueries.url, { prices: PRICES, keys: { lookupsPerSecond: A_LOOKUPS_PER_SECOND } });
    const start = (dataDir: string, storageUrl = db.url, config: object = { prices: PRICES }) =>
      startGateway({
        dataDir,
        config,
        env: {
          SWITCHYARD_ADMIN_KEY: ADMIN_KEY,
          SWITCHYARD_STORAGE_URL: storageUrl,
          SWITCHYARD_REDIS_URL: services.redisUrl,
        },
      });

    /** A key created on A, once B accepts it too. */
    async function sharedKey(body: Record<string, unknown>): Promise<{ secret: string; id: string }> {
      const secret = await createKey(a, body);
      const keys = (await (await a.fetch('/admin/keys')).json()) as { data: { id: string; name: string }[] };
      const id = keys.data.find((k) => k.name === body.name)?.id as string;
      await expect
        .poll(async () => (await b.fetch('/v1/models', { key: secret })).status, { timeout: 10_000 })
        .toBe(200);
      return { secret, id };
    }

    const ledger = async (keyId: string) =>
      (
        await sql.query<{ request_id: string; cost: number; status: number }>(
          'SELECT request_id, cost, status FROM ledger WHERE key_id = $1',
          [keyId],
        )
      ).rows;

    beforeAll(async () => {
      db = await freshDatabase();
      sql = new pg.Client({ connectionString: db.url });
      aQueries = await countPostgresQueries(db.url);
      // Both start at once: migrations and the admin key must cope with the race.
      [a, b] = await Promise.all([startA(dirs[0] as string), start(dirs[1] as string)]);
      await sql.connect();
    }, 60_000);

    afterAll(async () => {
      await Promise.all([a?.stop(), b?.stop()]);
      await aQueries?.close();
      await sql?.end();
      await db?.drop();
      for (const dir of dirs) removeDir(dir);
    });

    it('accepts a key on B at once when it was created on A, 50 times in a row', async () => {
      const statuses: number[] = [];
      for (let i = 0; i < 50; i++) {
        const secret = await createKey(a, { name: `at-once-${i}` });
        statuses.push((await b.fetch('/v1/models', { key: secret })).status);
      }
      expect(statuses).toEqual(Array(50).fill(200));
    });

    it('bounds the lookups a flood of unknown keys costs PostgreSQL', async () => {
      const lookups = async () => {
        const text = await (await a.fetch('/metrics', { key: null })).text();
        const count = (result: string) =>
          Number(
            new RegExp(`switchyard_key_lookups_total\\{result="${result}"\\} (\\d+)`).exec(text)?.[1] ?? 0,
          );
        return {
          asked: count('found') + count('not_found'),
          refused: count('throttled') + count('negative_cached'),
        };
      };
      const before = await lookups();
      const queriesBefore = aQueries.queries();
      const started = performance.now();
      const flood = Array.from({ length: 300 }, () => `sk-sy-${randomBytes(32).toString('base64url')}`);
      const statuses = await pool(
        flood.map((key) => async () => (await a.fetch('/v1/models', { key })).status),
        20,
      );
      const seconds = (performance.now() - started) / 1000;
      const queries = aQueries.queries() - queriesBefore;
      const after = await lookups();
      expect(statuses).toEqual(Array(300).fill(401));
      // A burst of A_LOOKUPS_PER_SECOND, then as many a second. Counted twice: by the gateway, and
      // on the wire (where A's background work adds a key and spend refresh every 5 s).
      const bound = A_LOOKUPS_PER_SECOND * (1 + seconds);
      const asked = after.asked - before.asked;
      expect(asked).toBeLessThanOrEqual(bound);
      expect(asked + after.refused - before.refused).toBe(300);
      expect(queries).toBeLessThanOrEqual(bound + 2 * Math.ceil(seconds / 5 + 1));
      console.info(
        `flood: 300 unknown keys in ${seconds.toFixed(2)} s; A looked up ${asked} (bound ${bound.toFixed(0)}), refused ${300 - asked} unread; ${queries} statements reached PostgreSQL from A`,
      );
    });

    it('admits exactly 60 of 100 requests across both for a key limited to 60 per minute', async () => {
      const { secret, id } = await sharedKey({ name: 'rpm-60', rpm: 60 });
      const results = await pool(
        Array.from({ length: 100 }, (_, i) => () => chat(i % 2 ? a : b, secret)),
        10,
      );
      expect(results.filter((r) => r.status === 200)).toHaveLength(60);
      expect(results.filter((r) => r.status === 429)).toHaveLength(40);
      // Both instances served some, and every served request is in the one shared ledger.
      const served = new Set(results.filter((r) => r.status === 200).map((r) => r.requestId));
      await expect.poll(async () => (await ledger(id)).length, { timeout: 10_000 }).toBe(60);
      expect(new Set((await ledger(id)).map((r) => r.request_id))).toEqual(served);
    });

    it('does not overspend a budget by more than one request, across both', async () => {
      const budget = 100;
      const { secret, id } = await sharedKey({ name: 'budget', budget_usd: budget, budget_period: 'day' });
      const results = await pool(
        Array.from({ length: 60 }, (_, i) => () => chat(i % 2 ? a : b, secret, { maxTokens: 8 })),
        6,
      );
      expect(results.some((r) => r.status === 429)).toBe(true);
      const served = results.filter((r) => r.status === 200).length;
      await expect.poll(async () => (await ledger(id)).length, { timeout: 10_000 }).toBe(served);
      const rows = await ledger(id);
      const spent = rows.reduce((sum, r) => sum + r.cost, 0);
      const dearest = Math.max(...rows.map((r) => r.cost));
      // Each request reserves its worst case (prompt estimate + max_tokens) before it runs, across
      // both instances: the budget ends no more than one request over.
      expect(served).toBeGreaterThan(0);
      expect(spent).toBeLessThanOrEqual(budget + dearest);
    });

    it('refuses a key on both instances once the CLI revoked it in the shared database', async () => {
      const { secret, id } = await sharedKey({ name: 'revoke-me' });
      expect((await chat(a, secret)).status).toBe(200);
      const cliDir = tempDir();
      dirs.push(cliDir);
      const cli = await runCli(['keys', 'revoke', id, '--data-dir', cliDir], {
        SWITCHYARD_STORAGE_URL: db.url,
        SWITCHYARD_ADMIN_KEY: ADMIN_KEY,
      });
      expect(cli).toMatchObject({ code: 0, stdout: expect.stringContaining(`Revoked key ${id}`) });
      await expect.poll(async () => (await chat(a, secret)).status).toBe(401);
      await expect.poll(async () => (await chat(b, secret)).status).toBe(401);
    });

    it('keeps serving when one instance is killed mid-load, and loses no completed row', async () => {
      const { secret, id } = await sharedKey({ name: 'kill' });
      const slow = { stream: true, text: 'one two three four five six seven eight [simulate:tps=40]' };
      const load = pool(
        Array.from({ length: 60 }, (_, i) => () => chat(i % 2 ? a : b, secret, slow)),
        12,
      );
      // Kill A once it has completed some requests (its spool holds rows not shipped yet, or not).
      await expect
        .poll(async () => (await ledger(id)).length, { timeout: 20_000, interval: 20 })
        .toBeGreaterThan(4);
      await a.stop('SIGKILL');
      const results = await load;
      const killedDir = a.dataDir;
      // B keeps serving.
      const after = await pool(
        Array.from({ length: 10 }, () => () => chat(b, secret)),
        5,
      );
      expect(after.map((r) => r.status)).toEqual(Array(10).fill(200));
      // A restarts on its data dir and ships what its spool still held.
      a = await startA(killedDir);
      const completed = [...results, ...after].filter((r) => r.completed).map((r) => r.requestId);
      expect(completed.length).toBeGreaterThan(10);
      await expect
        .poll(
          async () => {
            const rows = new Set((await ledger(id)).map((r) => r.request_id));
            return completed.filter((r) => !rows.has(r));
          },
          { timeout: 10_000 },
        )
        .toEqual([]);
    });
  },
);

describe('two gateway instances on one SQLite file', { timeout: 60_000 }, () => {
  const dir = tempDir();
  let a: RunningGateway;
  let b: RunningGateway;

  beforeAll(async () => {
    const start = () => startGateway({ dataDir: dir, env: { SWITCHYARD_ADMIN_KEY: ADMIN_KEY } });
    a = await start();
    b = await start();
  }, 60_000);

  afterAll(async () => {
    await Promise.all([a?.stop(), b?.stop()]);
    removeDir(dir);
  });

  it('accepts a key on B at once when it was created on A, and refuses it at once when revoked on A', async () => {
    const statuses: string[] = [];
    for (let i = 0; i < 50; i++) {
      const created = await a.fetch('/admin/keys', {
        method: 'POST',
        body: JSON.stringify({ name: `k${i}` }),
      });
      const { id, secret } = (await created.json()) as { id: string; secret: string };
      const used = (await b.fetch('/v1/models', { key: secret })).status;
      await a.fetch(`/admin/keys/${id}`, { method: 'DELETE' });
      const revoked = (await b.fetch('/v1/models', { key: secret })).status;
      statuses.push(`${created.status} ${used} ${revoked}`);
    }
    expect(statuses).toEqual(Array(50).fill('201 200 401'));
  });
});
