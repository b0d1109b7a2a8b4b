import type { SqlClient } from '../data/database.ts';

/** One delivery of a job to its handler. `attempt` starts at 1; a job that was leased and lost counts too. */
export interface JobRun<Data> {
  id: string;
  task: string;
  data: Data;
  attempt: number;
  /** pg-boss's signal for this job (aborted when the job is cancelled or its worker is stopped hard). */
  signal: AbortSignal;
}

/**
 * A kind of job: its handler and how failures are retried. Handlers must be idempotent: delivery is at least
 * once (a worker killed mid-job loses its lease and the job runs again).
 */
export interface TaskDefinition<Data = unknown> {
  /** Queue name: letters, digits, `-` and `_`. The dead-letter queue is `<name>-dead`. */
  name: string;
  /** Validates `data` at enqueue and before running; a job whose data no longer parses is dead-lettered. */
  parse(data: unknown): Data;
  handle(run: JobRun<Data>): Promise<void>;
  /** Retries after the first attempt, with exponential backoff and full jitter between base and max delay. */
  retry?: { limit: number; baseDelaySeconds: number; maxDelaySeconds: number };
  /** A running job whose worker is silent this long is handed to another worker (the lease). */
  leaseSeconds?: number;
  /** Jobs of this task one worker process runs at once. */
  concurrency?: number;
  /** Jobs fetched per round trip (each still settles on its own). */
  batchSize?: number;
  /** Recurring jobs: a cron expression (5 fields, or 6 with seconds) in UTC. */
  schedule?: { cron: string; data: Data; key?: string };
}

/** Permanent failure: the job goes to the dead-letter queue at once instead of being retried. */
export class PermanentJobError extends Error {
  override name = 'PermanentJobError';
}

export interface EnqueueOptions {
  /** Enqueue inside the caller's transaction: the job exists if and only if the transaction commits. */
  tx?: SqlClient;
  /** Higher runs first. */
  priority?: number;
  /** Delayed job: not before this time (or this many seconds from now). */
  runAt?: Date | number;
  /**
   * Dedup key: while a job with this key is queued (not yet running), another one with the same key is not
   * created and enqueue returns undefined.
   */
  dedupKey?: string;
}

export const DEFAULT_RETRY = { limit: 8, baseDelaySeconds: 2, maxDelaySeconds: 600 } as const;
export const DEFAULT_LEASE_SECONDS = 300;

export function deadLetterQueueOf(task: string): string {
  return `${task}-dead`;
}
