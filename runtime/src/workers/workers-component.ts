import type { Express } from 'express';
import { Registry } from 'prom-client';
import { runMigrations } from '../data/migration-runner.ts';
import { EMAIL_MIGRATIONS, createEmailTask } from '../email/email-task.ts';
import { OutboxTokenSealer } from '../email/outbox-token-sealer.ts';
import { SmtpMailer } from '../email/smtp-mailer.ts';
import type { ComponentContext, RuntimeComponent } from '../platform/component.ts';
import { createJobMetrics } from './job-metrics.ts';
import { JobQueue } from './job-queue.ts';
import { jobsRouter } from './jobs-router.ts';
import type { TaskDefinition } from './task-definition.ts';

export interface WorkersComponentOptions {
  /** The runtime's Prometheus registry (the platform's HttpMetrics.registry). */
  registry?: Registry;
  /** Secrets; default to the environment (SMTP_USERNAME, SMTP_PASSWORD, MOBILEPLANE_OUTBOX_KEY). */
  env?: Readonly<Record<string, string | undefined>>;
  /** Tasks besides the built-in ones (push fan-out, media) registered by other capabilities. */
  tasks?: TaskDefinition<never>[];
}

export interface WorkersComponent extends RuntimeComponent {
  queue: JobQueue;
  start(): Promise<void>;
}

/**
 * The `workers` component: runs the durable jobs (the auth mails today) on pg-boss, exposes queue depth, job
 * duration, attempts and failures as metrics and the dead letters by API. SIGTERM stops fetching and lets
 * running jobs finish within the shutdown timeout; a job still running then (or on a SIGKILL) keeps its lease
 * and runs again on another worker when the lease expires.
 */
export function createWorkersComponent(
  context: ComponentContext,
  options: WorkersComponentOptions = {},
): WorkersComponent {
  const { config, logger, database } = context;
  const env = options.env ?? process.env;
  const registry = options.registry ?? new Registry();
  const metrics = createJobMetrics(registry, () => queue.depths());
  const queue: JobQueue = new JobQueue({
    database,
    logger,
    metrics,
    role: 'worker',
    poolSize: config.workers.poolSize,
    superviseIntervalSeconds: config.workers.superviseIntervalSeconds,
    pollingIntervalSeconds: config.workers.pollingIntervalSeconds,
  });
  const mailer = new SmtpMailer(config.email, { user: env['SMTP_USERNAME'], pass: env['SMTP_PASSWORD'] });
  const emailTask = createEmailTask({
    database,
    mailer,
    sealer: OutboxTokenSealer.fromEnv(env),
    settings: config.email,
  });
  queue.register({ ...emailTask, concurrency: config.workers.concurrency });
  for (const task of options.tasks ?? []) queue.register(task);
  const jobs = queue;

  let started: Promise<void> | undefined;
  function start(): Promise<void> {
    started ??= (async () => {
      await runMigrations(database, EMAIL_MIGRATIONS);
      await jobs.work();
      logger.info({ tasks: jobs.taskNames }, 'workers running');
    })();
    started.catch((error: unknown) => logger.error({ err: error }, 'workers component failed to start'));
    return started;
  }
  void start();

  return {
    queue: jobs,
    start,
    readiness: [{ name: 'jobs', check: () => start() }],
    mount(app: Express) {
      app.use('/v1/jobs', (_req, _res, next) => void start().then(() => next(), next));
      app.use(jobsRouter(jobs, config.auth.apiKeys));
    },
    async close() {
      await started?.catch(() => undefined);
      await jobs.stop(config.server.shutdownTimeoutMs);
      mailer.close();
    },
  };
}
