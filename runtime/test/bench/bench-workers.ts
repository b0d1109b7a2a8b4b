/**
 * Queue throughput on this machine's PostgreSQL: jobs per second through the runtime's JobQueue (trivial
 * handler) against pg-boss's own bare enqueue/work loop with the same settings (goal ≥ 0.8×), and against
 * graphile-worker's bare loop (the library we did not pick; docs/decisions/0400-jobs-on-pg-boss.md). Each round
 * bulk-inserts BENCH_JOBS jobs, then times draining them; CPU is this process's (client side only).
 * Writes its section of docs/benchmarks.md.
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Logger, makeWorkerUtils, run } from 'graphile-worker';
import pg from 'pg';
import { PgBoss } from 'pg-boss';
import { format, resolveConfig } from 'prettier';
import { z } from 'zod';
import { PgDatabase } from '../../src/data/pg-database.ts';
import { createLogger } from '../../src/platform/logger.ts';
import { JobQueue } from '../../src/workers/job-queue.ts';
import { createPostgresDatabase } from '../integration/support/test-database.ts';
import { median } from './closed-loop.ts';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '../../..');
const JOBS = Number(process.env['BENCH_JOBS'] ?? 10_000);
const ROUNDS = Number(process.env['BENCH_ROUNDS'] ?? 3);
const CONCURRENCY = 4;
const BATCH = 50;
const logger = createLogger({ level: 'silent', component: 'workers', backend: 'bench', revision: 'bench' });

interface Round {
  jobsPerSecond: number;
  cpuMsPer1000: number;
}

async function timed(drain: () => Promise<void>): Promise<Round> {
  const cpu = process.cpuUsage();
  const started = performance.now();
  await drain();
  const seconds = (performance.now() - started) / 1000;
  const used = process.cpuUsage(cpu);
  return { jobsPerSecond: JOBS / seconds, cpuMsPer1000: ((used.user + used.system) / 1000 / JOBS) * 1000 };
}

function waitFor(check: () => boolean): Promise<void> {
  return new Promise((resolve) => {
    const tick = () => (check() ? resolve() : setTimeout(tick, 5));
    tick();
  });
}

const payloadSchema = z.object({ n: z.number() });
const payloads = () => Array.from({ length: JOBS }, (_, n) => ({ n }));

async function pgBossBare(url: string): Promise<Round> {
  const boss = new PgBoss({ connectionString: url, schema: 'bench_bare', max: 4 });
  // The round's database is dropped right after stop(): idle clients then report the termination.
  boss.on('error', () => undefined);
  await boss.start();
  await boss.createQueue('trivial');
  await boss.insert(
    'trivial',
    payloads().map((data) => ({ data })),
  );
  let done = 0;
  const round = await timed(async () => {
    await boss.work(
      'trivial',
      { batchSize: BATCH, localConcurrency: CONCURRENCY, pollingIntervalSeconds: 0.5, burstWhenBatchFull: true },
      async (jobs) => {
        done += jobs.length;
      },
    );
    await waitFor(() => done >= JOBS);
  });
  await boss.stop({ graceful: true, timeout: 5000 });
  return round;
}

async function jobQueue(url: string): Promise<Round> {
  const database = new PgDatabase({ url, poolSize: 2, logger });
  const queue = new JobQueue({ database, logger, role: 'worker', poolSize: 4, pollingIntervalSeconds: 0.5 });
  let done = 0;
  queue.register({
    name: 'trivial',
    parse: (d) => payloadSchema.parse(d),
    concurrency: CONCURRENCY,
    batchSize: BATCH,
    handle: async () => {
      done++;
    },
  });
  await queue.declareAll();
  await queue.enqueueMany('trivial', payloads());
  const round = await timed(async () => {
    await queue.work();
    await waitFor(() => done >= JOBS);
  });
  await queue.stop(5000);
  await database.close();
  return round;
}

async function graphileBare(url: string): Promise<Round> {
  // Our own pool, so the database drop after the round cannot crash the process through an idle client.
  const pgPool = new pg.Pool({ connectionString: url, max: CONCURRENCY + 2 });
  pgPool.on('error', () => undefined);
  const utils = await makeWorkerUtils({ pgPool, logger: new Logger(() => () => undefined) });
  await utils.migrate();
  await utils.addJobs(payloads().map((payload) => ({ identifier: 'trivial', payload })));
  await utils.release();
  let done = 0;
  let runner: Awaited<ReturnType<typeof run>> | undefined;
  const round = await timed(async () => {
    runner = await run({
      pgPool,
      concurrency: CONCURRENCY,
      noHandleSignals: true,
      pollInterval: 500,
      logger: new Logger(() => () => undefined),
      taskList: {
        trivial: async () => {
          done++;
        },
      },
    });
    await waitFor(() => done >= JOBS);
  });
  await runner?.stop();
  await pgPool.end();
  return round;
}

async function once(fn: (url: string) => Promise<Round>): Promise<Round> {
  const db = await createPostgresDatabase('mp_bench_jobs');
  try {
    return await fn(db.url);
  } finally {
    await db.drop();
  }
}

/** Rounds interleave the three loops, so a busy moment on the shared machine hits all of them alike. */
async function measureAll(loops: Record<string, (url: string) => Promise<Round>>): Promise<Record<string, Round>> {
  const rounds: Record<string, Round[]> = {};
  for (let i = 0; i < ROUNDS; i++)
    for (const [name, fn] of Object.entries(loops)) (rounds[name] ??= []).push(await once(fn));
  const result: Record<string, Round> = {};
  for (const [name, list] of Object.entries(rounds)) {
    result[name] = {
      jobsPerSecond: median(list.map((r) => r.jobsPerSecond)),
      cpuMsPer1000: median(list.map((r) => r.cpuMsPer1000)),
    };
    console.log(
      `${name}: ${result[name].jobsPerSecond.toFixed(0)} jobs/s, ${result[name].cpuMsPer1000.toFixed(0)} ms CPU / 1000`,
    );
  }
  return result;
}

async function main(): Promise<void> {
  const results = await measureAll({ ours: jobQueue, bare: pgBossBare, graphile: graphileBare });
  const [ours, bare, graphile] = [results['ours']!, results['bare']!, results['graphile']!];
  const ratio = ours.jobsPerSecond / bare.jobsPerSecond;
  const row = (name: string, r: Round) =>
    `| ${name} | ${r.jobsPerSecond.toFixed(0)} | ${r.cpuMsPer1000.toFixed(0)} | ${(r.jobsPerSecond / bare.jobsPerSecond).toFixed(2)}× |`;
  const report = `## Workers: jobs per second through the queue

\`make bench-workers\` (runtime/test/bench/bench-workers.ts), ${new Date().toISOString().slice(0, 10)}, ${JOBS} jobs
bulk-inserted, then drained by one process with ${CONCURRENCY} concurrent fetch loops of ${BATCH} jobs, trivial handler,
median of ${ROUNDS} rounds on a fresh database each, on the machine's PostgreSQL (2 shared cores).

| loop | jobs/s | client CPU ms / 1000 jobs | vs pg-boss bare |
| --- | ---: | ---: | ---: |
${row('runtime JobQueue (pg-boss + parse, metrics, per-job settlement)', ours)}
${row('pg-boss bare `work()` (same batch and concurrency)', bare)}
${row('graphile-worker bare `run()` (concurrency ' + CONCURRENCY + ')', graphile)}

Goal ≥ 0.8× of the chosen library's bare loop: **${ratio.toFixed(2)}×** (${ratio >= 0.8 ? 'met' : 'not met'}). The
runtime settles each job of a batch on its own (\`perJobResults\`), parses its data with the task's schema and
records duration and attempt metrics; the bare loop completes a whole batch in one statement.
`;
  const file = join(ROOT, 'docs/benchmarks.md');
  const [start, end] = ['<!-- bench-workers:start -->', '<!-- bench-workers:end -->'];
  const formatted = await format(report, { ...(await resolveConfig(file)), parser: 'markdown' });
  const section = `${start}\n\n${formatted}\n${end}`;
  const doc = existsSync(file) ? readFileSync(file, 'utf8') : '# Benchmarks\n';
  const next =
    doc.includes(start) && doc.includes(end)
      ? doc.slice(0, doc.indexOf(start)) + section + doc.slice(doc.indexOf(end) + end.length)
      : `${doc.trimEnd()}\n\n${section}\n`;
  writeFileSync(file, next);
  console.log(formatted);
}

main().then(
  () => process.exit(0),
  (error: unknown) => {
    console.error(error);
    process.exit(1);
  },
);
