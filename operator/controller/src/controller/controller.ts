import { SpanStatusCode, trace, type Span } from '@opentelemetry/api';
import type { Logger } from 'pino';
import type { Informer } from '../informer/informer.ts';
import { stableStringify } from '../apply/object-applier.ts';
import { objectKey, type KubeObject } from '../kube/kube-object.ts';
import type { OperatorMetrics } from '../observability/operator-metrics.ts';
import type { RateLimiterOptions } from '../workqueue/rate-limiter.ts';
import { WorkQueue } from '../workqueue/work-queue.ts';
import { ReconcileError } from './reconcile-error.ts';

export interface ReconcileContext {
  controller: string;
  key: string;
  logger: Logger;
  span: Span;
  metrics: OperatorMetrics;
}

export interface ReconcileResult {
  /** Reconcile again after this long even if nothing changes (e.g. waiting for a rollout). */
  requeueAfterMs?: number;
}

export interface Reconciler {
  reconcile(context: ReconcileContext): Promise<ReconcileResult | undefined>;
}

export interface ControllerOptions {
  name: string;
  reconciler: Reconciler;
  /** Workers reconciling different keys at once (max concurrent reconciles). */
  concurrency: number;
  /** Every key of the primary informer is queued again this often (0: never). */
  resyncMs: number;
  rateLimiter?: RateLimiterOptions;
  /** Delay that merges a burst of related-object events into one reconcile (default 1 s). */
  coalesceMs?: number;
  metrics: OperatorMetrics;
  logger: Logger;
}

const DEFAULT_COALESCE_MS = 1_000;
/**
 * How long a change that only shows progress (a Deployment with one more replica updated or ready) may wait: a
 * rollout's intermediate steps are reported at most this late, and a quick rollout costs one reconcile.
 */
export const PROGRESS_DELAY_MS = 10_000;

const tracer = trace.getTracer('@mobileplane/operator');

/**
 * A controller in controller-runtime's shape: informer events become keys in a de-duplicating, rate-limited
 * queue; `concurrency` workers reconcile keys, never the same key twice at once; failures are retried with
 * per-key exponential backoff unless terminal; a periodic resync re-queues every primary object.
 */
export class Controller {
  readonly name: string;
  readonly queue: WorkQueue;
  readonly #options: ControllerOptions;
  #primary: Informer | undefined;
  /** Keys whose last reconcile failed terminally: resyncs skip them until the object or a dependency changes. */
  readonly #terminal = new Set<string>();
  /** Keys queued by the resync alone (no event since): their reconcile counts as trigger="resync". */
  readonly #resyncOnly = new Set<string>();

  constructor(options: ControllerOptions) {
    this.name = options.name;
    this.#options = options;
    this.queue = new WorkQueue({
      ...(options.rateLimiter ? { rateLimiter: options.rateLimiter } : {}),
      metrics: options.metrics.workQueue(options.name),
    });
  }

  /**
   * The kind this controller reconciles: every event queues the object's own key, except updates that only
   * touch status (the operator's own status writes; controller-runtime's GenerationChangedPredicate).
   */
  watchPrimary<T extends KubeObject>(informer: Informer<T>, toKey: (object: T) => string): void {
    this.#primary = informer as unknown as Informer;
    informer.onEvent((type, object, old) => {
      if (type === 'update' && old !== undefined && onlyStatusChanged(old, object)) return;
      const key = toKey(object);
      this.#terminal.delete(key);
      this.#resyncOnly.delete(key);
      this.queue.add(key);
    });
  }

  /**
   * A kind the controller owns or depends on: an add or a delete queues the keys `toKeys` maps the object to; an
   * update only when `changed(old, object)` says it touches something the reconcile reads (by default anything
   * but status: status written by other controllers, such as a PodDisruptionBudget's, never re-queues the
   * owner). Keys are queued `coalesceMs` after the first event, so the burst of updates a Deployment goes
   * through while it rolls out becomes one reconcile.
   */
  watchRelated<T extends KubeObject>(
    informer: Informer<T>,
    toKeys: (object: T) => string[],
    options: {
      changed?: (old: T, object: T) => boolean;
      /** Updates worth a reconcile, but not soon: queued after PROGRESS_DELAY_MS unless something sooner is. */
      progressed?: (old: T, object: T) => boolean;
      /** Whether an add or delete matters (default: always). */
      relevant?: (object: T) => boolean;
    } = {},
  ): void {
    const changed = options.changed ?? specOrMetadataChanged;
    const coalesceMs = this.#options.coalesceMs ?? DEFAULT_COALESCE_MS;
    informer.onEvent((type, object, old) => {
      let delayMs = coalesceMs;
      if (type === 'update' && old !== undefined) {
        if (!changed(old, object)) {
          if (options.progressed?.(old, object) !== true) return;
          delayMs = PROGRESS_DELAY_MS;
        }
      } else if (options.relevant?.(object) === false) {
        return;
      }
      const keys = new Set(toKeys(object));
      if (old !== undefined) for (const key of toKeys(old)) keys.add(key);
      for (const key of keys) {
        this.#terminal.delete(key);
        this.#resyncOnly.delete(key);
        this.queue.addAfter(key, delayMs);
      }
    });
  }

  /**
   * Runs the workers and the resync until `signal` aborts, then drains the keys in progress. Resolves true when
   * every worker has stopped, false when one is still reconciling after the drain timeout.
   */
  async run(signal: AbortSignal, drainTimeoutMs = 25_000): Promise<boolean> {
    const { metrics, concurrency, name, resyncMs } = this.#options;
    metrics.maxConcurrentReconciles.set({ controller: name }, concurrency);
    metrics.activeWorkers.set({ controller: name }, 0);
    const gauges = setInterval(() => {
      metrics.unfinishedWork.set({ name, controller: name }, this.queue.unfinishedWorkSeconds());
      metrics.longestRunning.set({ name, controller: name }, this.queue.longestRunningSeconds());
    }, 1_000);
    gauges.unref();
    const resync =
      resyncMs > 0
        ? setInterval(() => {
            for (const object of this.#primary?.list() ?? []) {
              const key = objectKey(object);
              // A key waiting out its backoff is already scheduled: a resync must not shortcut the backoff. A
              // terminal failure waits for a change of the object or of what it depends on, not for the clock.
              if (this.queue.retries(key) === 0 && !this.#terminal.has(key)) {
                if (!this.queue.isWaiting(key)) this.#resyncOnly.add(key);
                this.queue.add(key);
              }
            }
          }, resyncMs)
        : undefined;
    resync?.unref();
    const stopped = new Promise<void>((resolve) => signal.addEventListener('abort', () => resolve(), { once: true }));
    const workers = Array.from({ length: concurrency }, () => this.#worker());
    await stopped;
    clearInterval(gauges);
    clearInterval(resync);
    await this.queue.shutDownWithDrain(drainTimeoutMs);
    let timer: NodeJS.Timeout | undefined;
    const timedOut = new Promise<false>((resolve) => {
      timer = setTimeout(() => resolve(false), 100);
    });
    const stoppedAll = await Promise.race([Promise.allSettled(workers).then(() => true as const), timedOut]);
    clearTimeout(timer);
    return stoppedAll;
  }

  async #worker(): Promise<void> {
    for (;;) {
      const key = await this.queue.get();
      if (key === undefined) return;
      try {
        await this.#reconcile(key);
      } finally {
        this.queue.done(key);
      }
    }
  }

  async #reconcile(key: string): Promise<void> {
    const { metrics, name, reconciler } = this.#options;
    const logger = this.#options.logger.child({ controller: name, key });
    metrics.activeWorkers.inc({ controller: name });
    const timer = metrics.reconcileTime.startTimer({ controller: name });
    metrics.reconcileTriggers.inc({ controller: name, trigger: this.#resyncOnly.delete(key) ? 'resync' : 'event' });
    await tracer.startActiveSpan(
      `reconcile ${name}`,
      { attributes: { 'mobileplane.controller': name, 'mobileplane.key': key } },
      async (span) => {
        try {
          const result = await reconciler.reconcile({ controller: name, key, logger, span, metrics });
          this.queue.forget(key);
          this.#terminal.delete(key);
          if (result?.requeueAfterMs !== undefined) {
            this.queue.addAfter(key, result.requeueAfterMs);
            metrics.reconcileTotal.inc({ controller: name, result: 'requeue_after' });
          } else {
            metrics.reconcileTotal.inc({ controller: name, result: 'success' });
          }
        } catch (error) {
          metrics.reconcileErrors.inc({ controller: name });
          metrics.reconcileTotal.inc({ controller: name, result: 'error' });
          span.recordException(error as Error);
          span.setStatus({ code: SpanStatusCode.ERROR, message: (error as Error).message });
          if (error instanceof ReconcileError && error.terminal) {
            metrics.terminalReconcileErrors.inc({ controller: name });
            this.queue.forget(key);
            this.#terminal.add(key);
            logger.warn({ reason: error.reason, err: error.message }, 'reconcile failed (terminal, not retried)');
          } else {
            const retryInMs = this.queue.addRateLimited(key);
            const reason = error instanceof ReconcileError ? error.reason : undefined;
            logger.warn({ reason, err: (error as Error).message, retryInMs }, 'reconcile failed, retrying');
          }
        } finally {
          span.end();
          timer();
          metrics.activeWorkers.dec({ controller: name });
        }
      },
    );
  }
}

/** True when an update changed neither the spec (generation) nor labels, annotations or deletion. */
export function onlyStatusChanged(old: KubeObject, object: KubeObject): boolean {
  const a = old.metadata;
  const b = object.metadata;
  return (
    a.generation !== undefined &&
    a.generation === b.generation &&
    a.deletionTimestamp === b.deletionTimestamp &&
    JSON.stringify(a.labels ?? {}) === JSON.stringify(b.labels ?? {}) &&
    JSON.stringify(a.annotations ?? {}) === JSON.stringify(b.annotations ?? {})
  );
}

/**
 * True when an update of a related object changed more than its status and bookkeeping: what the owner set
 * (spec, data, labels, annotations, owner references) or its deletion. Objects without a generation (ConfigMap,
 * ServiceAccount, Service) are compared field by field.
 */
export function specOrMetadataChanged(old: KubeObject, object: KubeObject): boolean {
  return stableStringify(withoutBookkeeping(old)) !== stableStringify(withoutBookkeeping(object));
}

function withoutBookkeeping(object: KubeObject): KubeObject {
  const { status: _status, metadata, ...rest } = object;
  const { resourceVersion: _rv, managedFields: _mf, generation: _g, ...meta } = metadata;
  return { ...rest, metadata: meta };
}
