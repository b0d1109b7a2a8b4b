import { Counter, Gauge, Histogram } from 'prom-client';
import type { Registry } from 'prom-client';
import type { QueueDepth } from './job-queue.ts';

const DURATION_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 300];

export interface JobMetrics {
  enqueued(task: string): void;
  attempt(task: string, attempt: number): void;
  finished(task: string, outcome: 'completed' | 'failed' | 'dead', seconds: number): void;
}

/**
 * The workers' Prometheus metrics: queue depth and the age of the oldest waiting job (read from the queue at
 * scrape time), job duration by outcome, attempts (retries are attempts above 1) and failures by task.
 */
export function createJobMetrics(registry: Registry, readDepths: () => Promise<QueueDepth[]>): JobMetrics {
  // Both gauges are collected concurrently in one scrape; they share one read of the queue.
  let reading: Promise<QueueDepth[]> | undefined;
  const depths = (): Promise<QueueDepth[]> => {
    reading ??= readDepths()
      .catch(() => [])
      .finally(() => setTimeout(() => (reading = undefined), 250).unref());
    return reading;
  };
  new Gauge({
    name: 'mobileplane_jobs_queue_depth',
    help: 'Jobs per task and state (queued: ready now; deferred: delayed or waiting for a retry).',
    labelNames: ['task', 'state'] as const,
    registers: [registry],
    async collect() {
      this.reset();
      for (const d of await depths()) {
        this.set({ task: d.task, state: 'queued' }, d.queued);
        this.set({ task: d.task, state: 'deferred' }, d.deferred);
        this.set({ task: d.task, state: 'active' }, d.active);
        this.set({ task: d.task, state: 'dead_letter' }, d.deadLetters);
      }
    },
  });
  new Gauge({
    name: 'mobileplane_jobs_oldest_queued_age_seconds',
    help: 'Age of the oldest job that is ready to run and not yet running, per task.',
    labelNames: ['task'] as const,
    registers: [registry],
    async collect() {
      this.reset();
      for (const d of await depths()) this.set({ task: d.task }, d.oldestQueuedAgeSeconds);
    },
  });
  const enqueued = new Counter({
    name: 'mobileplane_jobs_enqueued_total',
    help: 'Jobs created by this process.',
    labelNames: ['task'] as const,
    registers: [registry],
  });
  const attempts = new Counter({
    name: 'mobileplane_job_attempts_total',
    help: 'Job runs started; retry="true" for every attempt after the first.',
    labelNames: ['task', 'retry'] as const,
    registers: [registry],
  });
  const duration = new Histogram({
    name: 'mobileplane_job_duration_seconds',
    help: 'Handler run time per task and outcome (completed, failed: will retry, dead: dead-lettered).',
    labelNames: ['task', 'outcome'] as const,
    buckets: DURATION_BUCKETS,
    registers: [registry],
  });
  const failures = new Counter({
    name: 'mobileplane_job_failures_total',
    help: 'Failed job runs per task; permanent="true" when the job went to the dead-letter queue.',
    labelNames: ['task', 'permanent'] as const,
    registers: [registry],
  });
  return {
    enqueued: (task) => enqueued.inc({ task }),
    attempt: (task, attempt) => attempts.inc({ task, retry: String(attempt > 1) }),
    finished(task, outcome, seconds) {
      duration.observe({ task, outcome }, seconds);
      if (outcome !== 'completed') failures.inc({ task, permanent: String(outcome === 'dead') });
    },
  };
}
