import type { Logger } from '../platform/logger.ts';
import type { Database } from './database.ts';
import { runMigrations } from './migration-runner.ts';
import { PgDatabase } from './pg-database.ts';
import { PgliteDatabase } from './pglite-database.ts';

/** PostgreSQL when a DSN is configured, embedded PGlite otherwise; migrated before it is handed out. */
export async function openDatabase(
  options: { url?: string | undefined; poolSize: number; pgliteDataDir?: string | undefined },
  logger: Logger,
): Promise<Database> {
  const database =
    options.url !== undefined
      ? new PgDatabase({ url: options.url, poolSize: options.poolSize, logger })
      : await PgliteDatabase.open(options.pgliteDataDir);
  try {
    const applied = await runMigrations(database);
    logger.info({ database: database.backend, applied }, 'database ready');
    return database;
  } catch (error) {
    await database.close().catch(() => undefined);
    throw error;
  }
}
