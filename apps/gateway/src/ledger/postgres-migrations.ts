import type pg from 'pg';

/** One track of schema migrations in PostgreSQL: its version table, its lock, its steps in order. */
export interface PostgresMigrations {
  /** The table that records the steps applied (`schema_migrations`…). */
  readonly table: string;
  /** Any constant of its own: the advisory lock that serialises instances starting together. */
  readonly lock: number;
  /** SQL steps; step `i` is version `i + 1`. Never edit a released step: append one. */
  readonly steps: readonly string[];
}

/**
 * Applies the steps of `migrations` not applied yet, each in its own transaction, under an
 * advisory lock so that instances starting together migrate once.
 */
export async function migratePostgres(pool: pg.Pool, migrations: PostgresMigrations): Promise<void> {
  const { table, lock, steps } = migrations;
  const client = await pool.connect();
  try {
    await client.query('SELECT pg_advisory_lock($1)', [lock]);
    await client.query(`CREATE TABLE IF NOT EXISTS ${table} (version INTEGER PRIMARY KEY)`);
    const { rows } = await client.query<{ v: number | null }>(`SELECT MAX(version) AS v FROM ${table}`);
    for (let v = rows[0]?.v ?? 0; v < steps.length; v++) {
      await client.query('BEGIN');
      try {
        await client.query(steps[v] as string);
        await client.query(`INSERT INTO ${table} (version) VALUES ($1)`, [v + 1]);
        await client.query('COMMIT');
      } catch (error) {
        await client.query('ROLLBACK');
        throw error;
      }
    }
  } finally {
    await client.query('SELECT pg_advisory_unlock($1)', [lock]).catch(() => {});
    client.release();
  }
}
