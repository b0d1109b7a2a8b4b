import { readFileSync } from 'node:fs';

export interface LoopResult {
  /** Operations that completed without throwing, per second of the measured phase. */
  perSecond: number;
  ops: number;
  errors: number;
  /** CPU time (user + system) of the measured process per completed operation. */
  cpuMsPerOp: number;
}

/** utime + stime of a process from /proc, in milliseconds (clock ticks of 10 ms). */
export function processCpuMs(pid: number): number {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
  return (Number(fields[11]) + Number(fields[12])) * 10;
}

/** The median of a non-empty list (the upper one of an even count); 0 for an empty list. */
export function median(values: number[]): number {
  const sorted = [...values].sort((x, y) => x - y);
  return sorted[Math.floor(sorted.length / 2)] ?? 0;
}

async function run(concurrency: number, seconds: number, op: (worker: number) => Promise<void>) {
  const deadline = performance.now() + seconds * 1000;
  let ops = 0;
  let errors = 0;
  let firstError: unknown;
  await Promise.all(
    Array.from({ length: concurrency }, async (_, worker) => {
      while (performance.now() < deadline) {
        try {
          await op(worker);
          ops++;
        } catch (error) {
          errors++;
          firstError ??= error;
        }
      }
    }),
  );
  if (firstError !== undefined) console.error('first error:', firstError);
  return { ops, errors, elapsed: seconds };
}

/**
 * Closed-loop load: `concurrency` workers each run `op` back to back, first for `warmUpSeconds` (JIT, pools,
 * caches; not counted), then for `seconds`. CPU is read for `pid` (another process, e.g. the server) from /proc,
 * or for this process (all threads, so libuv's thread pool is included) when `pid` is this process.
 */
export async function closedLoop(
  options: { concurrency: number; seconds: number; warmUpSeconds: number; pid?: number },
  op: (worker: number) => Promise<void>,
): Promise<LoopResult> {
  const pid = options.pid ?? process.pid;
  if (options.warmUpSeconds > 0) await run(options.concurrency, options.warmUpSeconds, op);
  const cpuBefore = pid === process.pid ? process.cpuUsage() : undefined;
  const procBefore = processCpuMs(pid);
  const started = performance.now();
  const { ops, errors } = await run(options.concurrency, options.seconds, op);
  const elapsed = (performance.now() - started) / 1000;
  let cpuMs: number;
  if (cpuBefore !== undefined) {
    const used = process.cpuUsage(cpuBefore);
    cpuMs = (used.user + used.system) / 1000;
  } else cpuMs = processCpuMs(pid) - procBefore;
  return { perSecond: ops / elapsed, ops, errors, cpuMsPerOp: cpuMs / Math.max(1, ops) };
}
