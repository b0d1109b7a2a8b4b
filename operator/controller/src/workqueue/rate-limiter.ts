/**
 * How long to wait before retrying a key: the larger of a per-key exponential backoff and an overall token
 * bucket, as client-go's DefaultControllerRateLimiter. Pure apart from the injected clock.
 */
export interface RateLimiterOptions {
  /** First retry delay; doubles on every consecutive failure of the same key. */
  baseDelayMs: number;
  /** Ceiling of the per-key delay. */
  maxDelayMs: number;
  /** Sustained retries per second across all keys. */
  qps: number;
  /** Retries allowed at once before the bucket slows them down. */
  burst: number;
}

export const DEFAULT_RATE_LIMITER: RateLimiterOptions = { baseDelayMs: 500, maxDelayMs: 300_000, qps: 10, burst: 100 };

export class RateLimiter {
  readonly #options: RateLimiterOptions;
  readonly #now: () => number;
  readonly #failures = new Map<string, number>();
  #tokens: number;
  #last: number;

  constructor(options: RateLimiterOptions = DEFAULT_RATE_LIMITER, now: () => number = Date.now) {
    this.#options = options;
    this.#now = now;
    this.#tokens = options.burst;
    this.#last = now();
  }

  /** Delay before the next retry of `key`; counts a failure. */
  when(key: string): number {
    const failures = this.#failures.get(key) ?? 0;
    this.#failures.set(key, failures + 1);
    const exponential = Math.min(this.#options.baseDelayMs * 2 ** failures, this.#options.maxDelayMs);
    return Math.max(exponential, this.#bucketDelay());
  }

  /** Consecutive failures of `key` so far. */
  retries(key: string): number {
    return this.#failures.get(key) ?? 0;
  }

  /** The key succeeded (or was given up): its backoff starts over. */
  forget(key: string): void {
    this.#failures.delete(key);
  }

  #bucketDelay(): number {
    const now = this.#now();
    this.#tokens = Math.min(this.#options.burst, this.#tokens + ((now - this.#last) / 1000) * this.#options.qps);
    this.#last = now;
    this.#tokens -= 1;
    return this.#tokens >= 0 ? 0 : (-this.#tokens / this.#options.qps) * 1000;
  }
}
