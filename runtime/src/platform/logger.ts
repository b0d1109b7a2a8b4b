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
    // Asynchronous stdout: writes issued while one is in flight are coalesced, so a busy server makes one syscall
    // per batch of lines instead of one per line (a CPU profile showed per-line writes as the top logging cost).
    // Call flushLogger before exiting.
    destination ?? pino.destination({ dest: 1, sync: false }),
  );
}

export function flushLogger(logger: Logger): Promise<void> {
  return new Promise((resolve) => logger.flush(() => resolve()));
}
