import type { Database } from './database.ts';
import { MIGRATIONS } from './schema-migrations.ts';
import type { Migration } from './schema-migrations.ts';

/** Advisory lock key shared by every replica: 'mpmigr' as an integer. */
export const MIGRATION_LOCK_KEY = 0x6d706d69677200n;

/**
 * Applies pending migrations in one transaction under a transaction-scoped advisory lock, so replicas starting
 * together queue up: the first applies, the others find nothing left to do. DDL is transactional in PostgreSQL,
 * so a failed migration leaves no half-built schema. Returns the versions applied.
 */
export async function runMigrations(
  database: Database,
  migrations: readonly Migration[] = MIGRATIONS,
): Promise<number[]> {
  return database.transaction(async (tx) => {
    await tx.query('SELECT pg_advisory_xact_lock($1::bigint)', [MIGRATION_LOCK_KEY.toString()]);
    await tx.query(`CREATE TABLE IF NOT EXISTS mp_schema_migrations (
      version integer PRIMARY KEY, name text NOT NULL, applied_at timestamptz NOT NULL DEFAULT now())`);
    const { rows } = await tx.query<{ version: number }>('SELECT version FROM mp_schema_migrations');
    const done = new Set(rows.map((r) => Number(r.version)));
    const applied: number[] = [];
    for (const migration of [...migrations].sort((a, b) => a.version - b.version)) {
      if (done.has(migration.version)) continue;
      await tx.exec(migration.sql);
      await tx.query('INSERT INTO mp_schema_migrations (version, name) VALUES ($1, $2)', [
        migration.version,
        migration.name,
      ]);
      applied.push(migration.version);
    }
    return applied;
  });
}
