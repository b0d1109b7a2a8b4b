import { randomBytes } from 'node:crypto';
import pg from 'pg';

export const POSTGRES_ADMIN_URL =
  process.env['MOBILEPLANE_TEST_POSTGRES_URL'] ?? 'postgres://postgres@127.0.0.1:5432/test';
export const REDIS_URL = process.env['MOBILEPLANE_TEST_REDIS_URL'] ?? 'redis://127.0.0.1:6379';

export interface TestDatabase {
  /** DSN of a fresh database, or undefined for embedded PGlite. */
  url: string | undefined;
  drop(): Promise<void>;
}

export interface TestBackend {
  name: 'postgres' | 'pglite';
  create(): Promise<TestDatabase>;
}

async function admin<T>(fn: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: POSTGRES_ADMIN_URL });
  await client.connect();
  try {
    return await fn(client);
  } finally {
    await client.end();
  }
}

/**
 * A fresh, uniquely named database on the machine's PostgreSQL (integration suites and benchmarks alike);
 * `drop` removes it even while connections are open.
 */
export async function createPostgresDatabase(
  prefix = 'mp_test',
): Promise<TestDatabase & { name: string; url: string }> {
  const name = `${prefix}_${randomBytes(6).toString('hex')}`;
  await admin((c) => c.query(`CREATE DATABASE ${name}`));
  const url = new URL(POSTGRES_ADMIN_URL);
  url.pathname = `/${name}`;
  return {
    name,
    url: url.toString(),
    drop: () => admin(async (c) => void (await c.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`))),
  };
}

/** Every integration suite runs against both: the machine's PostgreSQL and embedded PGlite. */
export const BACKENDS: TestBackend[] = [
  { name: 'postgres', create: () => createPostgresDatabase() },
  { name: 'pglite', create: async () => ({ url: undefined, drop: async () => undefined }) },
];
