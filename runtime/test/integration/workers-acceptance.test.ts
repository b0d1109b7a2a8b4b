import { fork } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { PgDatabase } from '../../src/data/pg-database.ts';
import { createLogger } from '../../src/platform/logger.ts';
import { JobQueue } from '../../src/workers/job-queue.ts';
import { createPostgresDatabase } from './support/test-database.ts';

const JOBS = 10_000;
const WORKER = fileURLToPath(new URL('./support/job-worker-process.ts', import.meta.url));
const logger = createLogger({ level: 'silent', component: 'workers', backend: 'test', revision: 'test' });

function startWorker(url: string, failureRate = '0.1', delayMs = '0'): Promise<ChildProcess> {
  const child = fork(WORKER, [url, failureRate, delayMs], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  return new Promise((resolve, reject) => {
    child.once('message', () => resolve(child));
    child.once('exit', (code) => reject(new Error(`worker exited early (${code})`)));
  });
}

/**
 * Acceptance: 10,000 jobs, 10 % of runs failing at random (before or after their effect), one worker SIGKILLed
 * mid-run and two others taking over: every job completes, and every effect happens exactly once.
 */
describe('queue acceptance: 10,000 jobs, random failures, a SIGKILLed worker', () => {
  let db: Awaited<ReturnType<typeof createPostgresDatabase>>;
  let database: PgDatabase;
  const children: ChildProcess[] = [];

  beforeAll(async () => {
    db = await createPostgresDatabase();
    database = new PgDatabase({ url: db.url, poolSize: 2, logger });
    await database.exec(`
      CREATE TABLE acceptance_effects (n integer PRIMARY KEY, at timestamptz NOT NULL DEFAULT clock_timestamp());
      CREATE TABLE acceptance_runs (n integer NOT NULL, job_id uuid NOT NULL, pid integer NOT NULL);`);
  });
  afterAll(async () => {
    for (const child of children) if (child.exitCode === null) child.kill('SIGKILL');
    await database?.close();
    await db?.drop();
  });

  it('every job completes exactly once in effect', { timeout: 150_000 }, async () => {
    const producer = new JobQueue({ database, logger, role: 'producer' });
    producer.register({
      name: 'acceptance',
      parse: (d) => z.object({ n: z.number().int() }).parse(d),
      retry: { limit: 20, baseDelaySeconds: 1, maxDelaySeconds: 2 },
      leaseSeconds: 2,
      handle: async () => undefined,
    });
    const numbers = Array.from({ length: JOBS }, (_, n) => ({ n }));
    for (let i = 0; i < JOBS; i += 2000) await producer.enqueueMany('acceptance', numbers.slice(i, i + 2000));
    await producer.stop(1000);

    const count = async (sql: string) => Number((await database.query<{ c: string }>(sql)).rows[0]!.c);
    const first = await startWorker(db.url);
    children.push(first);
    const deadline = Date.now() + 120_000;
    while ((await count('SELECT count(*) AS c FROM acceptance_effects')) < JOBS * 0.3) {
      if (Date.now() > deadline) throw new Error('first worker made no progress');
      await new Promise((r) => setTimeout(r, 50));
    }
    first.kill('SIGKILL');
    await new Promise((r) => first.once('exit', r));
    const killedActive = await count(
      `SELECT count(*) AS c FROM mp_jobs.job WHERE name = 'acceptance' AND state = 'active'`,
    );
    children.push(await startWorker(db.url), await startWorker(db.url));

    const done = `SELECT count(*) AS c FROM mp_jobs.job WHERE name = 'acceptance' AND state = 'completed'`;
    while ((await count(done)) < JOBS) {
      if (Date.now() > deadline) throw new Error(`only ${await count(done)} of ${JOBS} jobs completed`);
      await new Promise((r) => setTimeout(r, 200));
    }
    expect(await count('SELECT count(*) AS c FROM acceptance_effects')).toBe(JOBS);
    expect(await count('SELECT count(DISTINCT n) AS c FROM acceptance_effects')).toBe(JOBS);
    expect(
      await count(
        `SELECT count(*) AS c FROM mp_jobs.job WHERE name IN ('acceptance', 'acceptance-dead') AND state <> 'completed'`,
      ),
    ).toBe(0);
    // The faults really happened: retries after random failures, and jobs the killed worker held ran again.
    const runs = await count('SELECT count(*) AS c FROM acceptance_runs');
    expect(runs).toBeGreaterThan(JOBS * 1.05);
    expect(killedActive).toBeGreaterThan(0);
    expect(await count(`SELECT count(DISTINCT pid) AS c FROM acceptance_runs`)).toBe(3);
    for (const child of children.slice(1)) child.kill('SIGTERM');
  });

  it('SIGTERM lets the running jobs finish, starts no new ones, and exits cleanly', { timeout: 60_000 }, async () => {
    await database.exec('TRUNCATE acceptance_effects, acceptance_runs');
    const producer = new JobQueue({ database, logger, role: 'producer' });
    producer.register({
      name: 'acceptance',
      parse: (d) => z.object({ n: z.number().int() }).parse(d),
      retry: { limit: 20, baseDelaySeconds: 1, maxDelaySeconds: 2 },
      leaseSeconds: 2,
      handle: async () => undefined,
    });
    const base = 1_000_000;
    await producer.enqueueMany(
      'acceptance',
      Array.from({ length: 20 }, (_, i) => ({ n: base + i })),
    );
    const count = async (sql: string) => Number((await database.query<{ c: string }>(sql)).rows[0]!.c);
    const worker = await startWorker(db.url, '0', '1500');
    children.push(worker);
    while ((await count('SELECT count(*) AS c FROM acceptance_runs')) < 20) await new Promise((r) => setTimeout(r, 20));
    const exited = new Promise<number | null>((resolve) => worker.once('exit', (code) => resolve(code)));
    worker.kill('SIGTERM');
    await producer.enqueueMany(
      'acceptance',
      Array.from({ length: 5 }, (_, i) => ({ n: base + 100 + i })),
    );
    expect(await exited).toBe(0);
    await producer.stop(1000);
    // The 20 that were running finished (once each); the 5 enqueued after SIGTERM were not started.
    expect(await count(`SELECT count(*) AS c FROM acceptance_effects WHERE n >= ${base}`)).toBe(20);
    expect(await count(`SELECT count(*) AS c FROM acceptance_runs WHERE n >= ${base}`)).toBe(20);
    expect(await count(`SELECT count(*) AS c FROM mp_jobs.job WHERE name = 'acceptance' AND state = 'active'`)).toBe(0);
    expect(await count(`SELECT count(*) AS c FROM mp_jobs.job WHERE name = 'acceptance' AND state = 'created'`)).toBe(
      5,
    );
  });
});
