import pino from 'pino';
import type { DestinationStream, Logger } from 'pino';
import { activeTraceIds } from './tracing.ts';

export type { Logger } from 'pino';

/** JSON logs; every line written inside a request (or any span) carries `trace_id` and `span_id`. */
export function createLogger(
  options: { level: string; component: string; backend: string; revision: string },
  destination?: DestinationStream,
): Logger {
  return pino(
    {
      level: options.level,
      base: { component: options.component, backend: options.backend, revision: options.revision },
      timestamp: pino.stdTimeFunctions.isoTime,
      formatters: { level: (label) => ({ level: label }) },
      mixin: () => activeTraceIds() ?? {},
    },
    destination ?? bufferedStdout(),
  );
}

/** Lines are held until this many bytes are pending (or FLUSH_INTERVAL_MS passed), then written in one syscall. */
const BUFFER_BYTES = 4096;
const FLUSH_INTERVAL_MS = 1000;

/**
 * Asynchronous, buffered stdout: a busy server makes one write per ~4 KiB of lines instead of one per access-log
 * line (per-line writes were the largest logging cost in `make bench-runtime`'s CPU profile), and a quiet one
 * still gets its lines out within a second. Call flushLogger before exiting; a crash loses at most the buffer.
 */
function bufferedStdout(): DestinationStream {
  const stdout = pino.destination({ dest: 1, sync: false, minLength: BUFFER_BYTES });
  const timer = setInterval(() => {
    try {
      stdout.flush();
    } catch {
      clearInterval(timer); // destroyed: the process is exiting
    }
  }, FLUSH_INTERVAL_MS);
  timer.unref();
  return stdout;
}

export function flushLogger(logger: Logger): Promise<void> {
  return new Promise((resolve) => logger.flush(() => resolve()));
}
