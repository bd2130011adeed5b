import type { ResponseStore } from '@switchyard/server-kit';
import Database from 'better-sqlite3';
import { bodyOf, fromRow, PURGE_INTERVAL_MS } from './stored-response-row.js';

// Its own version table: the accounting tables migrate apart.
const MIGRATIONS: readonly string[] = [
  `CREATE TABLE stored_responses (
     id TEXT PRIMARY KEY,
     owner TEXT NOT NULL,
     created_at INTEGER NOT NULL,
     expires_at INTEGER NOT NULL,
     body TEXT NOT NULL
   );
   CREATE INDEX stored_responses_expires ON stored_responses (expires_at);`,
];

/** Options of {@link openSqliteResponseStore}. */
export interface SqliteResponseStoreOptions {
  /** The gateway's database file (the one keys and the ledger live in). */
  readonly path: string;
  readonly retentionMs: number;
  readonly now?: () => number;
}

/** A SQLite response store with the close its owner calls at shutdown. */
export interface ClosableResponseStore extends ResponseStore {
  close(): Promise<void>;
}

/**
 * Stored responses in the gateway's SQLite file (its own connection and table). A response is
 * readable by its owner until `retentionMs` after it was created; expired rows are deleted as
 * responses are written.
 */
export function openSqliteResponseStore(options: SqliteResponseStoreOptions): ClosableResponseStore {
  const now = options.now ?? Date.now;
  const db = new Database(options.path);
  db.pragma('journal_mode = WAL');
  db.pragma('busy_timeout = 5000');
  db.exec('CREATE TABLE IF NOT EXISTS responses_schema_version (version INTEGER NOT NULL)');
  const current =
    (db.prepare('SELECT MAX(version) AS v FROM responses_schema_version').get() as { v: number | null }).v ??
    0;
  for (let v = current; v < MIGRATIONS.length; v++) {
    db.transaction(() => {
      db.exec(MIGRATIONS[v] as string);
      db.prepare('INSERT INTO responses_schema_version (version) VALUES (?)').run(v + 1);
    })();
  }
  const insert = db.prepare(
    `INSERT INTO stored_responses (id, owner, created_at, expires_at, body) VALUES (?, ?, ?, ?, ?)
     ON CONFLICT (id) DO UPDATE SET owner = excluded.owner, created_at = excluded.created_at,
       expires_at = excluded.expires_at, body = excluded.body`,
  );
  const select = db.prepare(
    'SELECT id, owner, created_at, body FROM stored_responses WHERE id = ? AND owner = ? AND expires_at > ?',
  );
  const remove = db.prepare('DELETE FROM stored_responses WHERE id = ? AND owner = ? AND expires_at > ?');
  const purge = db.prepare('DELETE FROM stored_responses WHERE expires_at <= ?');
  let purgedAt = 0;
  return {
    async put(record) {
      const at = now();
      insert.run(
        record.id,
        record.owner,
        record.createdAt,
        record.createdAt + options.retentionMs,
        bodyOf(record),
      );
      if (at - purgedAt >= PURGE_INTERVAL_MS) {
        purgedAt = at;
        purge.run(at);
      }
    },
    async get(owner, id) {
      const row = select.get(id, owner, now()) as Parameters<typeof fromRow>[0] | undefined;
      return row ? fromRow(row) : undefined;
    },
    async delete(owner, id) {
      return remove.run(id, owner, now()).changes > 0;
    },
    async close() {
      db.close();
    },
  };
}
