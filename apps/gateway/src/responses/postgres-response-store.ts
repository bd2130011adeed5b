import pg from 'pg';
import { migratePostgres } from '../ledger/postgres-migrations.js';
import type { ClosableResponseStore } from './sqlite-response-store.js';
import { bodyOf, fromRow, PURGE_INTERVAL_MS } from './stored-response-row.js';

// Its own migration table and lock: the accounting tables migrate apart. `body` is JSON text, not
// JSONB: JSONB refuses the `\u0000` a conversation may contain.
const MIGRATIONS: readonly string[] = [
  `CREATE TABLE stored_responses (
     id TEXT PRIMARY KEY,
     owner TEXT NOT NULL,
     created_at BIGINT NOT NULL,
     expires_at BIGINT NOT NULL,
     body TEXT NOT NULL
   );
   CREATE INDEX stored_responses_expires ON stored_responses (expires_at);`,
];
/** Any constant other than the accounting's: serialises this migration across instances. */
const MIGRATION_LOCK = 0x5377_7972;

/** Options of {@link openPostgresResponseStore}. */
export interface PostgresResponseStoreOptions {
  /** `postgres://…` (`storage.url`). */
  readonly url: string;
  readonly retentionMs: number;
  readonly now?: () => number;
  /** A pool connection failed in the background. */
  readonly onError?: (error: unknown) => void;
}

/**
 * Stored responses in PostgreSQL (`storage.url`), shared by every gateway instance: a response
 * created through one instance is read, continued and deleted through any other.
 */
export async function openPostgresResponseStore(
  options: PostgresResponseStoreOptions,
): Promise<ClosableResponseStore> {
  const now = options.now ?? Date.now;
  const pool = new pg.Pool({ connectionString: options.url, max: 4 });
  pool.on('error', options.onError ?? (() => {}));
  try {
    await migratePostgres(pool, {
      table: 'responses_schema_migrations',
      lock: MIGRATION_LOCK,
      steps: MIGRATIONS,
    });
  } catch (error) {
    await pool.end();
    throw error;
  }
  let purgedAt = 0;
  return {
    async put(record) {
      const at = now();
      await pool.query(
        `INSERT INTO stored_responses (id, owner, created_at, expires_at, body) VALUES ($1, $2, $3, $4, $5)
         ON CONFLICT (id) DO UPDATE SET owner = EXCLUDED.owner, created_at = EXCLUDED.created_at,
           expires_at = EXCLUDED.expires_at, body = EXCLUDED.body`,
        [record.id, record.owner, record.createdAt, record.createdAt + options.retentionMs, bodyOf(record)],
      );
      if (at - purgedAt >= PURGE_INTERVAL_MS) {
        purgedAt = at;
        await pool.query('DELETE FROM stored_responses WHERE expires_at <= $1', [at]);
      }
    },
    async get(owner, id) {
      const { rows } = await pool.query(
        'SELECT id, owner, created_at, body FROM stored_responses WHERE id = $1 AND owner = $2 AND expires_at > $3',
        [id, owner, now()],
      );
      return rows[0] ? fromRow(rows[0]) : undefined;
    },
    async delete(owner, id) {
      const result = await pool.query(
        'DELETE FROM stored_responses WHERE id = $1 AND owner = $2 AND expires_at > $3',
        [id, owner, now()],
      );
      return (result.rowCount ?? 0) > 0;
    },
    async close() {
      await pool.end();
    },
  };
}
