import { createHash } from 'node:crypto';
import { PgBoss, fromPglite } from 'pg-boss';
import type { ConstructorOptions, Db, JobWithMetadata, JobResult, SendOptions, Job } from 'pg-boss';
import type { Database, SqlClient } from '../data/database.ts';
import { PgDatabase } from '../data/pg-database.ts';
import { PgliteDatabase } from '../data/pglite-database.ts';
import type { Logger } from '../platform/logger.ts';
import type { JobMetrics } from './job-metrics.ts';
import { DEFAULT_LEASE_SECONDS, DEFAULT_RETRY, PermanentJobError, deadLetterQueueOf } from './task-definition.ts';
import type { EnqueueOptions, TaskDefinition } from './task-definition.ts';

/** The PostgreSQL schema pg-boss keeps its tables in (docs/decisions/0400-jobs-on-pg-boss.md). */
export const JOB_SCHEMA = 'mp_jobs';

export interface JobQueueOptions {
  database: Database;
  logger: Logger;
  metrics?: JobMetrics;
  /** Producers (the auth component) only enqueue: no maintenance, no schedules, no workers. */
  role: 'producer' | 'worker';
  /** pg-boss's own pool on PostgreSQL (same DSN as the runtime's); PGlite shares its one connection. */
  poolSize?: number;
  /** How often expired leases, schedules and queue stats are checked (seconds). */
  superviseIntervalSeconds?: number;
  pollingIntervalSeconds?: number;
}

export interface DeadLetter {
  id: string;
  task: string;
  data: unknown;
  attempts: number;
  failedAt: Date | null;
  createdAt: Date;
  error: unknown;
}

export interface QueueDepth {
  task: string;
  queued: number;
  deferred: number;
  active: number;
  failed: number;
  deadLetters: number;
  oldestQueuedAgeSeconds: number;
}

/** A name-based UUID (RFC 9562 version 5 layout) so the same dedup key always maps to the same job id. */
export function dedupJobId(task: string, key: string): string {
  const bytes = createHash('sha1').update(`mobileplane-job\0${task}\0${key}`).digest().subarray(0, 16);
  bytes.writeUInt8((bytes.readUInt8(6) & 0x0f) | 0x50, 6);
  bytes.writeUInt8((bytes.readUInt8(8) & 0x3f) | 0x80, 8);
  const hex = bytes.toString('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

function txDb(tx: SqlClient): Db {
  return { executeSql: (text: string, values?: unknown[]) => tx.query(text, values ?? []) };
}

/**
 * Durable PostgreSQL jobs on pg-boss: retries with exponential backoff and jitter, dead-letter queues, cron
 * schedules, delayed jobs, priorities, dedup keys and enqueue inside the caller's transaction. Runs on
 * PostgreSQL and on the embedded PGlite alike.
 */
export class JobQueue {
  private readonly boss: PgBoss;
  private readonly options: JobQueueOptions;
  private readonly tasks = new Map<string, TaskDefinition<never>>();
  private readonly declared = new Set<string>();
  private started: Promise<void> | undefined;

  constructor(options: JobQueueOptions) {
    this.options = options;
    const worker = options.role === 'worker';
    const common: ConstructorOptions = {
      schema: JOB_SCHEMA,
      supervise: worker,
      schedule: worker,
      superviseIntervalSeconds: options.superviseIntervalSeconds ?? 5,
      monitorIntervalSeconds: options.superviseIntervalSeconds ?? 5,
      // Cron schedules are checked this often (pg-boss allows 1–45 s).
      cronWorkerIntervalSeconds: Math.min(45, options.superviseIntervalSeconds ?? 5),
      cronMonitorIntervalSeconds: Math.min(45, options.superviseIntervalSeconds ?? 5),
    };
    const { database } = options;
    if (database instanceof PgliteDatabase) {
      this.boss = new PgBoss({ ...common, db: fromPglite(database.client), backend: 'pglite' });
    } else if (database instanceof PgDatabase) {
      this.boss = new PgBoss({
        ...common,
        connectionString: database.connectionString,
        max: options.poolSize ?? 4,
        application_name: `mobileplane-${options.role}`,
      });
    } else throw new Error(`no job queue for a ${database.backend} database`);
    this.boss.on('error', (error: Error) => options.logger.warn({ err: error }, 'job queue error'));
  }

  /** Installs or migrates the job schema (idempotent, under pg-boss's advisory lock). */
  start(): Promise<void> {
    this.started ??= this.boss.start().then(() => undefined);
    return this.started;
  }

  register<Data>(task: TaskDefinition<Data>): void {
    if (!/^[A-Za-z0-9_-]+$/.test(task.name)) throw new Error(`task name ${task.name}: letters, digits, - and _`);
    this.tasks.set(task.name, task as TaskDefinition<never>);
  }

  task(name: string): TaskDefinition<never> | undefined {
    return this.tasks.get(name);
  }

  get taskNames(): string[] {
    return [...this.tasks.keys()];
  }

  /** Creates (or updates) the task's queue and its dead-letter queue with the task's retry and lease policy. */
  private async declare(task: TaskDefinition<never>): Promise<void> {
    if (this.declared.has(task.name)) return;
    const retry = task.retry ?? DEFAULT_RETRY;
    const dead = deadLetterQueueOf(task.name);
    if ((await this.boss.getQueue(dead)) === null)
      await this.boss.createQueue(dead, { retryLimit: 0, deleteAfterSeconds: 30 * 24 * 3600 });
    const policy = {
      retryLimit: retry.limit,
      retryDelay: retry.baseDelaySeconds,
      retryBackoff: true,
      retryDelayMax: retry.maxDelaySeconds,
      expireInSeconds: task.leaseSeconds ?? DEFAULT_LEASE_SECONDS,
      deadLetter: dead,
    };
    if ((await this.boss.getQueue(task.name)) === null) await this.boss.createQueue(task.name, policy);
    else await this.boss.updateQueue(task.name, policy);
    this.declared.add(task.name);
  }

  /** Declares every registered task's queue and schedule (producers call it too, so enqueue never races). */
  async declareAll(): Promise<void> {
    await this.start();
    for (const task of this.tasks.values()) {
      await this.declare(task);
      if (this.options.role === 'worker' && task.schedule !== undefined) {
        const { cron, data, key } = task.schedule;
        await this.boss.schedule(task.name, cron, data as object, { tz: 'UTC', ...(key ? { key } : {}) });
      }
    }
  }

  /**
   * Creates a job. Returns its id, or undefined when a job with the same dedup key already exists. With
   * `tx`, the job is written by the caller's transaction and exists only if that commits.
   */
  async enqueue(taskName: string, data: unknown, options: EnqueueOptions = {}): Promise<string | undefined> {
    const task = this.tasks.get(taskName);
    if (task === undefined) throw new Error(`unknown task ${taskName}`);
    const parsed = task.parse(data) as object;
    await this.start();
    await this.declare(task);
    const send: SendOptions = {};
    if (options.priority !== undefined) send.priority = options.priority;
    if (options.runAt !== undefined) send.startAfter = options.runAt;
    if (options.dedupKey !== undefined) send.id = dedupJobId(taskName, options.dedupKey);
    if (options.tx !== undefined) send.db = txDb(options.tx);
    const id = await this.boss.send(taskName, parsed, send);
    if (id !== null) this.options.metrics?.enqueued(taskName);
    return id ?? undefined;
  }

  /** Creates many jobs in one statement (bulk imports, fan-out); options apply to every job. */
  async enqueueMany(
    taskName: string,
    items: readonly unknown[],
    options: Pick<EnqueueOptions, 'tx' | 'priority'> = {},
  ): Promise<void> {
    const task = this.tasks.get(taskName);
    if (task === undefined) throw new Error(`unknown task ${taskName}`);
    const jobs = items.map((data) => ({
      data: task.parse(data) as object,
      ...(options.priority === undefined ? {} : { priority: options.priority }),
    }));
    await this.start();
    await this.declare(task);
    await this.boss.insert(taskName, jobs, options.tx === undefined ? {} : { db: txDb(options.tx) });
    for (let i = 0; i < jobs.length; i++) this.options.metrics?.enqueued(taskName);
  }

  /** Starts fetching and running jobs of every registered task. */
  async work(): Promise<void> {
    await this.declareAll();
    for (const task of this.tasks.values()) {
      await this.boss.work(
        task.name,
        {
          batchSize: task.batchSize ?? 1,
          localConcurrency: task.concurrency ?? 2,
          pollingIntervalSeconds: this.options.pollingIntervalSeconds ?? 0.5,
          burstWhenBatchFull: true,
          perJobResults: true,
        },
        (jobs: Job<unknown>[]) => Promise.all(jobs.map((job) => this.run(task, job))),
      );
    }
  }

  private async run(task: TaskDefinition<never>, job: Job<unknown>): Promise<JobResult> {
    const metrics = this.options.metrics;
    const started = performance.now();
    const attempt = job.retryCount + 1;
    metrics?.attempt(task.name, attempt);
    try {
      const data = task.parse(job.data);
      await task.handle({ id: job.id, task: task.name, data, attempt, signal: job.signal });
      metrics?.finished(task.name, 'completed', (performance.now() - started) / 1000);
      return { id: job.id, status: 'completed' };
    } catch (error) {
      const permanent = error instanceof PermanentJobError || (error as Error).name === 'ZodError';
      metrics?.finished(task.name, permanent ? 'dead' : 'failed', (performance.now() - started) / 1000);
      this.options.logger.warn(
        { err: error, task: task.name, job: job.id, attempt, permanent },
        permanent ? 'job failed permanently' : 'job failed; will retry',
      );
      const output = { message: (error as Error).message, name: (error as Error).name };
      return { id: job.id, status: permanent ? 'deadletter' : 'failed', output };
    }
  }

  /** Jobs of a task waiting to run (not yet picked up), oldest first. */
  async queued(taskName: string, limit = 1000): Promise<{ id: string; data: unknown }[]> {
    await this.start();
    if ((await this.boss.getQueue(taskName)) === null) return [];
    const jobs: JobWithMetadata<unknown>[] = await this.boss.findJobs(taskName, { queued: true, limit });
    return jobs.map((job) => ({ id: job.id, data: job.data }));
  }

  /** Dead letters of a task, oldest first (at most `limit`). */
  async deadLetters(taskName: string, limit = 100): Promise<DeadLetter[]> {
    await this.start();
    const dead = deadLetterQueueOf(taskName);
    if ((await this.boss.getQueue(dead)) === null) return [];
    const jobs: JobWithMetadata<unknown>[] = await this.boss.findJobs(dead, { limit });
    return jobs.map((job) => ({
      id: job.id,
      task: taskName,
      data: job.data,
      attempts: (job.sourceRetryCount ?? 0) + 1,
      failedAt: job.createdOn,
      createdAt: job.sourceCreatedOn ?? job.createdOn,
      error: job.sourceOutput,
    }));
  }

  /** Moves a task's dead letters (or one of them) back to its queue with a fresh retry budget. */
  async redrive(taskName: string, id?: string): Promise<number> {
    await this.start();
    const dead = deadLetterQueueOf(taskName);
    if ((await this.boss.getQueue(dead)) === null) return 0;
    if (id === undefined) return this.boss.redrive(dead);
    const [job] = await this.boss.findJobs(dead, { id });
    if (job === undefined) return 0;
    await this.boss.send(taskName, job.data as object, {});
    await this.boss.deleteJob(dead, id);
    return 1;
  }

  /** Queue depths and the age of the oldest waiting job, per task (for /metrics and the jobs API). */
  async depths(): Promise<QueueDepth[]> {
    await this.start();
    const names = [...this.tasks.keys()];
    if (names.length === 0) return [];
    const queues = await this.boss.getQueues([...names, ...names.map(deadLetterQueueOf)]);
    const byName = new Map(queues.map((q) => [q.name, q]));
    const { rows } = await this.boss.getDb().executeSql(
      `SELECT name, EXTRACT(EPOCH FROM (now() - min(created_on)))::float8 AS age
         FROM ${JOB_SCHEMA}.job WHERE name = ANY($1::text[]) AND state < 'active' AND start_after <= now()
        GROUP BY name`,
      [names],
    );
    const ages = new Map((rows as { name: string; age: number }[]).map((r) => [r.name, Number(r.age)]));
    return names.map((task) => {
      const q = byName.get(task);
      return {
        task,
        queued: q?.readyCount ?? 0,
        deferred: q?.deferredCount ?? 0,
        active: q?.activeCount ?? 0,
        failed: q?.failedCount ?? 0,
        deadLetters: byName.get(deadLetterQueueOf(task))?.queuedCount ?? 0,
        oldestQueuedAgeSeconds: ages.get(task) ?? 0,
      };
    });
  }

  /** Refreshes pg-boss's cached queue counts now instead of at the next supervise pass (tests, the API). */
  async refreshStats(): Promise<void> {
    await this.boss.supervise();
  }

  /**
   * Stops fetching; waits up to `timeoutMs` for running jobs to finish. A job still running then is left
   * active: its lease expires and another worker runs it again (handlers are idempotent).
   */
  async stop(timeoutMs: number): Promise<void> {
    if (this.started === undefined) return;
    await this.started.catch(() => undefined);
    await this.boss.stop({ graceful: true, timeout: timeoutMs, close: true });
  }
}
