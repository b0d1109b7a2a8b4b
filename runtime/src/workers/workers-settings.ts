import { z } from 'zod';

/** `workers` block of the runtime config: how the workers component runs jobs. */
export const workersSettingsSchema = z
  .object({
    /** Jobs of one task a process runs at once. */
    concurrency: z.coerce.number().int().min(1).max(256).default(4),
    /** How often an idle worker asks for new jobs (seconds, ≥ 0.5). */
    pollingIntervalSeconds: z.coerce.number().min(0.5).max(60).default(0.5),
    /** How often expired leases are released, schedules fired and queue stats refreshed (seconds). */
    superviseIntervalSeconds: z.coerce.number().int().min(1).max(300).default(5),
    /** pg-boss's own connection pool on PostgreSQL (PGlite shares its one connection). */
    poolSize: z.coerce.number().int().min(1).max(100).default(4),
  })
  .strict();
export type WorkersSettings = z.infer<typeof workersSettingsSchema>;
