import { REASONS, type Reason } from './condition-reasons.ts';

/**
 * A reconcile failure with a condition reason. Transient ones are retried with per-key exponential backoff;
 * terminal ones are not retried until the object changes (controller-runtime's TerminalError).
 */
export class ReconcileError extends Error {
  readonly reason: Reason;
  readonly terminal: boolean;

  constructor(reason: Reason, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'ReconcileError';
    this.reason = reason;
    this.terminal = REASONS[reason].severity === 'terminal';
  }
}

/** Any thrown value as a ReconcileError; unknown failures are transient `ApiUnavailable`/`ApplyFailed`. */
export function asReconcileError(error: unknown, fallback: Reason = 'ApiUnavailable'): ReconcileError {
  if (error instanceof ReconcileError) return error;
  const message = error instanceof Error ? error.message : String(error);
  return new ReconcileError(fallback, message, { cause: error });
}
