import { PGlite } from '@electric-sql/pglite';
import type { Database, SqlClient } from './database.ts';

/**
 * Embedded PostgreSQL (PGlite, PostgreSQL compiled to WebAssembly) for laptops and the demo: the same SQL as
 * production, in memory or in a data directory. One connection; PGlite queues concurrent queries.
 */
export class PgliteDatabase implements Database {
  readonly backend = 'pglite' as const;
  private readonly db: PGlite;

  private constructor(db: PGlite) {
    this.db = db;
  }

  /** The PGlite instance, for libraries that bring their own adapter (the job queue's pg-boss). */
  get client(): PGlite {
    return this.db;
  }

  static async open(dataDir?: string): Promise<PgliteDatabase> {
    return new PgliteDatabase(await PGlite.create(dataDir === undefined ? {} : { dataDir }));
  }

  async query<Row>(sql: string, params: readonly unknown[] = []): Promise<{ rows: Row[] }> {
    const result = await this.db.query<Row>(sql, params as unknown[]);
    return { rows: result.rows };
  }

  async exec(sql: string): Promise<void> {
    await this.db.exec(sql);
  }

  transaction<T>(fn: (tx: SqlClient) => Promise<T>): Promise<T> {
    return this.db.transaction(async (tx) =>
      fn({
        query: async <Row>(sql: string, params: readonly unknown[] = []) => {
          const result = await tx.query<Row>(sql, params as unknown[]);
          return { rows: result.rows };
        },
        exec: async (sql: string) => {
          await tx.exec(sql);
        },
      }),
    );
  }

  async listen(channel: string, onPayload: (payload: string) => void) {
    const unlisten = await this.db.listen(channel, onPayload);
    return async () => unlisten();
  }

  async close(): Promise<void> {
    await this.db.close();
  }
}
