/**
 * Generic cell rate algorithm (GCRA): a policy of `limit` requests per `windowMs`, kept as one number per key,
 * the theoretical arrival time (TAT). Exact, with no window-boundary burst, and atomic in one Redis script.
 */
export interface RateLimitPolicy {
  name: string;
  limit: number;
  windowMs: number;
}

export interface RateLimitDecision {
  allowed: boolean;
  remaining: number;
  /** Seconds until the quota is whole again (`t` of the RateLimit header). */
  resetSeconds: number;
  /** Seconds until one more request will be admitted (Retry-After when refused). */
  retryAfterSeconds: number;
}

/** Floating-point slack for intervals that do not divide the window evenly. */
const EPSILON_MS = 0.001;

export function gcraStep(
  tat: number | undefined,
  now: number,
  policy: { limit: number; windowMs: number },
): { decision: RateLimitDecision; tat: number } {
  const interval = policy.windowMs / policy.limit;
  const start = Math.max(tat ?? now, now);
  const next = start + interval;
  const allowAt = next - policy.windowMs;
  if (allowAt > now + EPSILON_MS) {
    return {
      tat: start,
      decision: {
        allowed: false,
        remaining: 0,
        resetSeconds: Math.ceil((start - now) / 1000),
        retryAfterSeconds: Math.max(1, Math.ceil((allowAt - now) / 1000)),
      },
    };
  }
  return {
    tat: next,
    decision: {
      allowed: true,
      remaining: Math.max(0, Math.floor((now - allowAt) / interval + EPSILON_MS)),
      resetSeconds: Math.ceil((next - now) / 1000),
      retryAfterSeconds: 0,
    },
  };
}

export interface RateLimiter {
  readonly kind: 'memory' | 'redis';
  consume(key: string, policy: RateLimitPolicy): Promise<RateLimitDecision>;
  close(): Promise<void>;
}
