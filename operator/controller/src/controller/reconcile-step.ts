import { SpanStatusCode, trace } from '@opentelemetry/api';
import type { ReconcileContext } from './controller.ts';

const tracer = trace.getTracer('@mobileplane/operator');

/** Runs one named reconcile step in its own span and records its duration (mobileplane_reconcile_step_seconds). */
export async function step<T>(context: ReconcileContext, name: string, run: () => Promise<T> | T): Promise<T> {
  const timer = context.metrics.reconcileStepTime.startTimer({ controller: context.controller, step: name });
  return tracer.startActiveSpan(`step ${name}`, async (span) => {
    try {
      return await run();
    } catch (error) {
      span.setStatus({ code: SpanStatusCode.ERROR, message: (error as Error).message });
      throw error;
    } finally {
      span.end();
      timer();
    }
  });
}
