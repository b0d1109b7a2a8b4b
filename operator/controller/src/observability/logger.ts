import { pino, type Logger } from 'pino';

/** JSON logs on stdout; each reconcile logs through a child logger carrying `controller` and the object `key`. */
export function createLogger(level: string): Logger {
  return pino({
    level,
    base: { component: 'mobileplane-operator' },
    timestamp: pino.stdTimeFunctions.isoTime,
    formatters: { level: (label) => ({ level: label }) },
  });
}
