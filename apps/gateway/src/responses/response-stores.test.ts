import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { StoredResponse } from '@switchyard/server-kit';
import { afterAll, describe, expect, it } from 'vitest';
import { freshDatabase, skipNote, skipWithout } from '../../test/support/services.js';
import { openPostgresResponseStore } from './postgres-response-store.js';
import { type ClosableResponseStore, openSqliteResponseStore } from './sqlite-response-store.js';

const DAY = 86_400_000;

function record(id: string, owner: string, createdAt: number): StoredResponse {
  return {
    id,
    owner,
    createdAt,
    response: {
      id,
      object: 'response',
      created_at: Math.floor(createdAt / 1000),
      status: 'completed',
      model: 'simulator/echo',
      output: [
        {
          type: 'message',
          id: 'msg_1',
          role: 'assistant',
          status: 'completed',
          content: [{ type: 'output_text', text: 'Hi', annotations: [] }],
        },
      ],
    },
    // A NUL character, which PostgreSQL's JSONB would refuse.
    input: [{ type: 'message', id: 'msg_0', role: 'user', content: 'Hello\u0000there' }],
  };
}

/** The contract every gateway store keeps; `open` gets a clock the test moves. */
function contract(open: (now: () => number) => Promise<ClosableResponseStore>) {
  it('keeps a response for its owner only, until the retention passes; deletes it for its owner only', async () => {
    let now = 1_000 * DAY;
    const store = await open(() => now);
    try {
      const stored = record(`resp_${now}_a`, 'key-a', now);
      await store.put(stored);
      expect(await store.get('key-a', stored.id)).toStrictEqual(stored);
      expect(await store.get('key-b', stored.id)).toBeUndefined();
      expect(await store.delete('key-b', stored.id)).toBe(false);
      expect(await store.get('key-a', stored.id)).toBeDefined();
      expect(await store.delete('key-a', stored.id)).toBe(true);
      expect(await store.get('key-a', stored.id)).toBeUndefined();
      expect(await store.delete('key-a', stored.id)).toBe(false);

      const old = record(`resp_${now}_b`, 'key-a', now);
      await store.put(old);
      now += 2 * DAY - 1;
      expect(await store.get('key-a', old.id)).toBeDefined();
      now += 1;
      expect(await store.get('key-a', old.id)).toBeUndefined();
      expect(await store.delete('key-a', old.id)).toBe(false);
    } finally {
      await store.close();
    }
  });
}

describe('SQLite response store (a real file)', () => {
  const dir = mkdtempSync(join(tmpdir(), 'switchyard-responses-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  const path = join(dir, 'switchyard.db');
  contract(async (now) => openSqliteResponseStore({ path, retentionMs: 2 * DAY, now }));

  it('keeps responses across a restart (reopening the file migrates nothing twice)', async () => {
    const first = openSqliteResponseStore({ path, retentionMs: DAY });
    const stored = record('resp_restart', 'key-a', Date.now());
    await first.put(stored);
    await first.close();
    const second = openSqliteResponseStore({ path, retentionMs: DAY });
    expect(await second.get('key-a', 'resp_restart')).toStrictEqual(stored);
    await second.close();
  });
});

describe.skipIf(skipWithout('postgres'))(`PostgreSQL response store${skipNote('postgres')}`, () => {
  let db: Awaited<ReturnType<typeof freshDatabase>> | undefined;
  afterAll(async () => {
    await db?.drop();
  });
  contract(async (now) => {
    db ??= await freshDatabase();
    return openPostgresResponseStore({ url: db.url, retentionMs: 2 * DAY, now });
  });

  it('shares responses between instances (two stores, one database)', async () => {
    db ??= await freshDatabase();
    const [a, b] = await Promise.all([
      openPostgresResponseStore({ url: db.url, retentionMs: DAY }),
      openPostgresResponseStore({ url: db.url, retentionMs: DAY }),
    ]);
    const stored = record('resp_shared', 'key-a', Date.now());
    await a.put(stored);
    expect(await b.get('key-a', 'resp_shared')).toStrictEqual(stored);
    await Promise.all([a.close(), b.close()]);
  });
});
