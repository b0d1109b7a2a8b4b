import { z } from 'zod';
import type { Database } from '../data/database.ts';
import type { TaskDefinition } from '../workers/task-definition.ts';
import type { StorageDriver } from './storage-driver.ts';

export const PENDING_SWEEP_TASK = 'storage-pending-sweep';

/**
 * Hourly: objects whose upload URL expired more than an hour ago without a `complete` are removed, bytes (if
 * any were uploaded) and metadata, so abandoned uploads neither cost storage nor linger unchecked.
 */
export function createPendingSweepTask(
  database: Database,
  driver: StorageDriver,
  urlTtlSeconds: number,
): TaskDefinition<{ batch: number }> {
  return {
    name: PENDING_SWEEP_TASK,
    parse: (d) => z.object({ batch: z.number().int().min(1).max(10_000) }).parse(d),
    schedule: { cron: '23 * * * *', data: { batch: 1000 } },
    concurrency: 1,
    async handle({ data }) {
      const { rows } = await database.query<{ id: string; key: string }>(
        `SELECT id::text AS id, key FROM mp_storage_objects
          WHERE state = 'pending' AND created_at < now() - make_interval(secs => $1) ORDER BY created_at LIMIT $2`,
        [urlTtlSeconds + 3600, data.batch],
      );
      for (const row of rows) {
        await driver.delete(row.key);
        await database.query(`DELETE FROM mp_storage_objects WHERE id = $1 AND state = 'pending'`, [row.id]);
      }
    },
  };
}
