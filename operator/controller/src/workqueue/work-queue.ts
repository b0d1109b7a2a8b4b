import { DEFAULT_RATE_LIMITER, RateLimiter, type RateLimiterOptions } from './rate-limiter.ts';

/** Hooks for the controller-runtime workqueue metrics; all optional. */
export interface WorkQueueMetrics {
  adds?(): void;
  retries?(): void;
  depth?(depth: number): void;
  queueLatency?(seconds: number): void;
  workDuration?(seconds: number): void;
}

/**
 * A de-duplicating, rate-limited work queue with client-go's semantics: a key waiting in the queue is stored
 * once however often it is added; a key being processed is never handed to a second worker, and if it is added
 * meanwhile it is queued again when the first worker calls `done`. Delayed adds keep only the earliest time.
 */
export class WorkQueue {
  readonly #queue: string[] = [];
  readonly #dirty = new Set<string>();
  readonly #processing = new Map<string, number>();
  readonly #addedAt = new Map<string, number>();
  readonly #delayed = new Map<string, { at: number; timer: NodeJS.Timeout }>();
  readonly #waiters: ((key: string | undefined) => void)[] = [];
  readonly #drained: (() => void)[] = [];
  readonly #limiter: RateLimiter;
  readonly #metrics: WorkQueueMetrics;
  #shuttingDown = false;

  constructor(options: { rateLimiter?: RateLimiterOptions; metrics?: WorkQueueMetrics } = {}) {
    this.#limiter = new RateLimiter(options.rateLimiter ?? DEFAULT_RATE_LIMITER);
    this.#metrics = options.metrics ?? {};
  }

  /** Queues `key` unless it is already waiting. */
  add(key: string): void {
    if (this.#shuttingDown) return;
    this.#metrics.adds?.();
    if (this.#dirty.has(key)) return;
    this.#dirty.add(key);
    this.#addedAt.set(key, performance.now());
    if (this.#processing.has(key)) return;
    this.#push(key);
  }

  /**
   * Queues `key` after `delayMs`; an earlier pending delayed add wins. A key already waiting in the queue (and not
   * being processed) needs nothing more: when a worker takes it, it reads the caches as they are then.
   */
  addAfter(key: string, delayMs: number): void {
    if (this.#shuttingDown) return;
    if (delayMs <= 0) return this.add(key);
    if (this.#dirty.has(key) && !this.#processing.has(key)) return;
    const at = Date.now() + delayMs;
    const pending = this.#delayed.get(key);
    if (pending !== undefined) {
      if (pending.at <= at) return;
      clearTimeout(pending.timer);
    }
    const timer = setTimeout(() => {
      this.#delayed.delete(key);
      this.add(key);
    }, delayMs);
    timer.unref();
    this.#delayed.set(key, { at, timer });
  }

  /** Queues `key` after its backoff: per-key exponential, bounded by an overall rate. */
  addRateLimited(key: string): number {
    const delay = this.#limiter.when(key);
    this.#metrics.retries?.();
    this.addAfter(key, delay);
    return delay;
  }

  /** The key succeeded or was given up: its backoff starts over. */
  forget(key: string): void {
    this.#limiter.forget(key);
  }

  retries(key: string): number {
    return this.#limiter.retries(key);
  }

  /** The next key to process, waiting for one; `undefined` once the queue shuts down. */
  get(): Promise<string | undefined> {
    if (this.#shuttingDown) return Promise.resolve(undefined);
    const key = this.#take();
    if (key !== undefined || this.#shuttingDown) return Promise.resolve(key);
    return new Promise((resolve) => this.#waiters.push(resolve));
  }

  /** Marks `key` processed; queues it again if it was added while being processed. */
  done(key: string): void {
    const started = this.#processing.get(key);
    if (started !== undefined) this.#metrics.workDuration?.((performance.now() - started) / 1000);
    this.#processing.delete(key);
    if (this.#dirty.has(key) && !this.#shuttingDown) this.#push(key);
    if (this.#processing.size === 0) for (const resolve of this.#drained.splice(0)) resolve();
  }

  /** True while `key` waits in the queue (added, not yet handed to a worker). */
  isWaiting(key: string): boolean {
    return this.#dirty.has(key) && !this.#processing.has(key);
  }

  get length(): number {
    return this.#queue.length;
  }

  /** Seconds the longest-running key has been processed (workqueue_longest_running_processor_seconds). */
  longestRunningSeconds(): number {
    const now = performance.now();
    let longest = 0;
    for (const started of this.#processing.values()) longest = Math.max(longest, (now - started) / 1000);
    return longest;
  }

  /** Seconds of work in progress, summed over keys (workqueue_unfinished_work_seconds). */
  unfinishedWorkSeconds(): number {
    const now = performance.now();
    let total = 0;
    for (const started of this.#processing.values()) total += (now - started) / 1000;
    return total;
  }

  /** Stops handing out keys; resolves when the keys in progress are done (or after `timeoutMs`). */
  async shutDownWithDrain(timeoutMs: number): Promise<void> {
    this.#shuttingDown = true;
    for (const { timer } of this.#delayed.values()) clearTimeout(timer);
    this.#delayed.clear();
    for (const resolve of this.#waiters.splice(0)) resolve(undefined);
    if (this.#processing.size === 0) return;
    await new Promise<void>((resolve) => {
      const timer = setTimeout(resolve, timeoutMs);
      timer.unref();
      this.#drained.push(() => {
        clearTimeout(timer);
        resolve();
      });
    });
  }

  #push(key: string): void {
    const waiter = this.#waiters.shift();
    if (waiter !== undefined) {
      this.#start(key);
      waiter(key);
      return;
    }
    this.#queue.push(key);
    this.#metrics.depth?.(this.#queue.length);
  }

  #take(): string | undefined {
    const key = this.#queue.shift();
    if (key === undefined) return undefined;
    this.#metrics.depth?.(this.#queue.length);
    this.#start(key);
    return key;
  }

  #start(key: string): void {
    const added = this.#addedAt.get(key);
    if (added !== undefined) this.#metrics.queueLatency?.((performance.now() - added) / 1000);
    this.#addedAt.delete(key);
    this.#dirty.delete(key);
    this.#processing.set(key, performance.now());
  }
}
