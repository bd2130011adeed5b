import { randomBytes } from 'node:crypto';
import pg from 'pg';

/**
 * The PostgreSQL and Redis the scale-out tests run against, from `SWITCHYARD_TEST_POSTGRES_URL` and
 * `SWITCHYARD_TEST_REDIS_URL` (`.ci/services.sh` or `scripts/services.sh up` set them). Without
 * them the tests are skipped, and say why in their name; with `SWITCHYARD_REQUIRE_SERVICES=1` (CI)
 * a missing URL fails instead.
 */
export const services = {
  postgresUrl: process.env.SWITCHYARD_TEST_POSTGRES_URL || undefined,
  redisUrl: process.env.SWITCHYARD_TEST_REDIS_URL || undefined,
  required: process.env.SWITCHYARD_REQUIRE_SERVICES === '1',
};

/** For a describe title: why a suite is skipped, or nothing when it runs. */
export function skipNote(...needed: ('postgres' | 'redis')[]): string {
  const missing = needed.filter((n) => (n === 'postgres' ? !services.postgresUrl : !services.redisUrl));
  return missing.length
    ? ` (skipped: set ${missing.map((n) => `SWITCHYARD_TEST_${n.toUpperCase()}_URL`).join(' and ')}, e.g. scripts/services.sh up)`
    : '';
}

/** Whether to skip; throws when CI requires the services and they are missing. */
export function skipWithout(...needed: ('postgres' | 'redis')[]): boolean {
  const missing = skipNote(...needed) !== '';
  if (missing && services.required)
    throw new Error(`SWITCHYARD_REQUIRE_SERVICES=1 but ${needed.join(' and ')} URL(s) are not set`);
  return missing;
}

/** A new empty database on the test server (so test files never see each other's data). */
export async function freshDatabase(): Promise<{ url: string; drop(): Promise<void> }> {
  const base = services.postgresUrl as string;
  const name = `sy_${randomBytes(6).toString('hex')}`;
  const admin = new pg.Client({ connectionString: base });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${name}`);
  await admin.end();
  const url = new URL(base);
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    async drop() {
      const c = new pg.Client({ connectionString: base });
      await c.connect();
      await c.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      await c.end();
    },
  };
}
