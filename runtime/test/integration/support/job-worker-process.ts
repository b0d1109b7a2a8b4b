/**
 * A worker process for the queue acceptance tests: `node job-worker-process.ts <database-url> <failure-rate> [delay-ms]`.
 * Runs the `acceptance` task whose effect is idempotent (an insert keyed by the job's number) and which fails at
 * random; every run is recorded so the test can tell runs from effects. Killed with SIGKILL by the test.
 */
import { z } from 'zod';
import { PgDatabase } from '../../../src/data/pg-database.ts';
import { createLogger } from '../../../src/platform/logger.ts';
import { JobQueue } from '../../../src/workers/job-queue.ts';

const [url, rateText, delayText] = process.argv.slice(2);
const failureRate = Number(rateText ?? '0.1');
/** Extra handler time in ms (the SIGTERM test uses slow jobs). */
const delayMs = Number(delayText ?? '0');
const logger = createLogger({ level: 'error', component: 'workers', backend: 'test', revision: 'test' });
const database = new PgDatabase({ url: url!, poolSize: 8, logger });
const queue = new JobQueue({
  database,
  logger,
  role: 'worker',
  superviseIntervalSeconds: 1,
  pollingIntervalSeconds: 0.5,
});
const schema = z.object({ n: z.number().int() });
queue.register({
  name: 'acceptance',
  parse: (d) => schema.parse(d),
  retry: { limit: 20, baseDelaySeconds: 1, maxDelaySeconds: 2 },
  leaseSeconds: 2,
  concurrency: 4,
  batchSize: 50,
  async handle({ data, id }) {
    await database.query('INSERT INTO acceptance_runs (n, job_id, pid) VALUES ($1, $2, $3)', [data.n, id, process.pid]);
    // Half the failures come before the effect, half after it (the retry then finds the effect done).
    if (Math.random() < failureRate / 2) throw new Error('random failure before the effect');
    await new Promise((r) => setTimeout(r, delayMs + Math.random() * 4));
    await database.query('INSERT INTO acceptance_effects (n) VALUES ($1) ON CONFLICT (n) DO NOTHING', [data.n]);
    if (Math.random() < failureRate / 2) throw new Error('random failure after the effect');
  },
});
await queue.work();
process.send?.('ready');
process.once('SIGTERM', () => {
  void queue
    .stop(5000)
    .then(() => database.close())
    .then(() => process.exit(0));
});
