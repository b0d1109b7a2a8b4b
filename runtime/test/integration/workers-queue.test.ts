import { Registry } from 'prom-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import type { Database } from '../../src/data/database.ts';
import { openDatabase } from '../../src/data/open-database.ts';
import { createLogger } from '../../src/platform/logger.ts';
import { createJobMetrics } from '../../src/workers/job-metrics.ts';
import { JobQueue } from '../../src/workers/job-queue.ts';
import { PermanentJobError } from '../../src/workers/task-definition.ts';
import type { TaskDefinition } from '../../src/workers/task-definition.ts';
import { BACKENDS } from './support/test-database.ts';
import type { TestDatabase } from './support/test-database.ts';

const logger = createLogger({ level: 'silent', component: 'workers', backend: 'test', revision: 'test' });
const payload = z.object({ n: z.number().int(), mode: z.enum(['ok', 'flaky', 'permanent', 'slow']).default('ok') });
type Payload = z.infer<typeof payload>;

async function until(check: () => Promise<boolean> | boolean, timeoutMs = 20_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 50));
  }
}

describe.each(BACKENDS)('job queue on $name', (backend) => {
  let testDb: TestDatabase;
  let database: Database;
  let worker: JobQueue;
  let producer: JobQueue;
  const registry = new Registry();
  const runs: { n: number; attempt: number; at: number }[] = [];
  const ticks: string[] = [];
  const task: TaskDefinition<Payload> = {
    name: 'test-task',
    parse: (d) => payload.parse(d),
    retry: { limit: 3, baseDelaySeconds: 1, maxDelaySeconds: 2 },
    concurrency: 2,
    async handle({ data, attempt }) {
      runs.push({ n: data.n, attempt, at: Date.now() });
      if (data.mode === 'flaky' && attempt < 3) throw new Error(`flaky ${attempt}`);
      if (data.mode === 'permanent') throw new PermanentJobError('no such recipient');
    },
  };

  beforeAll(async () => {
    testDb = await backend.create();
    database = await openDatabase({ url: testDb.url, poolSize: 4 }, logger);
    const metrics = createJobMetrics(registry, () => worker.depths());
    worker = new JobQueue({
      database,
      logger,
      metrics,
      role: 'worker',
      superviseIntervalSeconds: 1,
    });
    worker.register(task);
    // pg-boss schedules are minute-granular: this fires within a minute; checked by the last test.
    if (backend.name === 'postgres')
      worker.register<{ beat: string }>({
        name: 'test-tick',
        parse: (d) => z.object({ beat: z.string() }).parse(d),
        schedule: { cron: '* * * * *', data: { beat: 'every minute' } },
        async handle({ data }) {
          ticks.push(data.beat);
        },
      });
    producer = backend.name === 'pglite' ? worker : new JobQueue({ database, logger, role: 'producer' });
    if (producer !== worker) producer.register(task);
  });
  afterAll(async () => {
    await worker.stop(2000);
    if (producer !== worker) await producer.stop(2000);
    await database.close();
    await testDb.drop();
  });

  it('enqueues inside the caller transaction: a rolled-back job never exists, a committed one runs', async () => {
    await producer.declareAll();
    await database.query('CREATE TABLE IF NOT EXISTS orders (n integer PRIMARY KEY)');
    await expect(
      database.transaction(async (tx) => {
        await tx.query('INSERT INTO orders (n) VALUES (1)');
        await producer.enqueue('test-task', { n: 1 }, { tx });
        throw new Error('rollback');
      }),
    ).rejects.toThrow('rollback');
    await database.transaction(async (tx) => {
      await tx.query('INSERT INTO orders (n) VALUES (2)');
      await producer.enqueue('test-task', { n: 2 }, { tx });
    });
    await worker.work();
    await until(() => runs.some((r) => r.n === 2));
    await new Promise((r) => setTimeout(r, 700));
    expect(runs.filter((r) => r.n === 1)).toEqual([]);
  });

  it('refuses data the task cannot parse, naming the field', async () => {
    await expect(producer.enqueue('test-task', { n: 'x' })).rejects.toThrow(/n/);
  });

  it('retries with backoff, then completes', async () => {
    await producer.enqueue('test-task', { n: 3, mode: 'flaky' });
    await until(() => runs.filter((r) => r.n === 3).length === 3);
    const times = runs.filter((r) => r.n === 3).map((r) => r.at);
    // Base 1 s with jitter in [½, 1]× the exponential step: at least 0.5 s between attempts.
    expect(times[1]! - times[0]!).toBeGreaterThanOrEqual(450);
    expect(runs.filter((r) => r.n === 3).map((r) => r.attempt)).toEqual([1, 2, 3]);
  });

  it('dead-letters a permanent failure at once, lists it and redrives it', async () => {
    await producer.enqueue('test-task', { n: 4, mode: 'permanent' });
    await until(async () => (await worker.deadLetters('test-task')).length === 1);
    expect(runs.filter((r) => r.n === 4)).toHaveLength(1);
    const [dead] = await worker.deadLetters('test-task');
    expect(dead).toMatchObject({ task: 'test-task', data: { n: 4, mode: 'permanent' } });
    expect(JSON.stringify(dead!.error)).toContain('no such recipient');
    expect(await worker.redrive('test-task', dead!.id)).toBe(1);
    await until(() => runs.filter((r) => r.n === 4).length === 2);
    await until(async () => (await worker.deadLetters('test-task')).length === 1);
  });

  it('runs delayed jobs no earlier than asked and dedups by key', async () => {
    const before = Date.now();
    await producer.enqueue('test-task', { n: 5 }, { runAt: 2 });
    expect(await producer.enqueue('test-task', { n: 6 }, { dedupKey: 'k6' })).toBeDefined();
    expect(await producer.enqueue('test-task', { n: 6 }, { dedupKey: 'k6' })).toBeUndefined();
    await until(() => runs.some((r) => r.n === 5));
    expect(runs.find((r) => r.n === 5)!.at - before).toBeGreaterThanOrEqual(1900);
    expect(runs.filter((r) => r.n === 6)).toHaveLength(1);
  });

  it('runs higher priorities first', async () => {
    const order: number[] = [];
    const ranked = new JobQueue({ database, logger, role: 'worker', superviseIntervalSeconds: 1 });
    ranked.register<{ n: number }>({
      name: 'test-priority',
      parse: (d) => z.object({ n: z.number() }).parse(d),
      concurrency: 1,
      async handle({ data }) {
        order.push(data.n);
      },
    });
    for (const n of [1, 2, 3]) await ranked.enqueue('test-priority', { n }, { priority: 0 });
    await ranked.enqueue('test-priority', { n: 99 }, { priority: 10 });
    await ranked.work();
    await until(() => order.length === 4);
    await ranked.stop(1000);
    expect(order[0]).toBe(99);
  });

  it('exports queue depth, oldest age, attempts and failures by task', async () => {
    await worker.refreshStats();
    const text = await registry.metrics();
    expect(text).toMatch(/mobileplane_jobs_queue_depth\{task="test-task",state="dead_letter"\} 1/);
    expect(text).toMatch(/mobileplane_jobs_oldest_queued_age_seconds\{task="test-task"\} \d/);
    expect(text).toMatch(/mobileplane_job_attempts_total\{task="test-task",retry="true"\} [1-9]/);
    expect(text).toMatch(/mobileplane_job_failures_total\{task="test-task",permanent="true"\} 2/);
    expect(text).toMatch(/mobileplane_job_duration_seconds_count\{task="test-task",outcome="completed"\} [1-9]/);
  });

  it.runIf(backend.name === 'postgres')('runs cron schedules (UTC, minute-granular)', { timeout: 80_000 }, async () => {
    await until(() => ticks.length >= 1, 75_000);
    expect(ticks[0]).toBe('every minute');
  });
});
