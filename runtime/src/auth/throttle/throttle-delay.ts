export interface ThrottlePolicy {
  freeFailures: number;
  baseDelayMs: number;
  maxDelayMs: number;
}

/**
 * Growing delay after the `attempts`-th counted attempt: none for the first free ones, then doubling up to the
 * cap (OWASP Authentication Cheat Sheet: throttling over hard lockout, so an attacker cannot lock a victim out).
 */
export function throttleDelayMs(attempts: number, policy: ThrottlePolicy): number {
  if (attempts < policy.freeFailures) return 0;
  const exponent = Math.min(attempts - policy.freeFailures, 30);
  return Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** exponent);
}
