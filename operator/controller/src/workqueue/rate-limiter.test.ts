import { describe, expect, it } from 'vitest';
import { RateLimiter } from './rate-limiter.ts';

describe('RateLimiter', () => {
  it.each([
    [1, 100],
    [2, 200],
    [3, 400],
    [5, 1_600],
    [10, 1_000 * 10], // capped
  ])('after %i failures waits %i ms', (failures, expected) => {
    const limiter = new RateLimiter({ baseDelayMs: 100, maxDelayMs: 10_000, qps: 1_000, burst: 1_000 }, () => 0);
    let delay = 0;
    for (let i = 0; i < failures; i++) delay = limiter.when('a');
    expect(delay).toBe(expected);
  });

  it('keeps keys apart and starts over after forget', () => {
    const limiter = new RateLimiter({ baseDelayMs: 100, maxDelayMs: 10_000, qps: 1_000, burst: 1_000 }, () => 0);
    limiter.when('a');
    limiter.when('a');
    expect(limiter.when('b')).toBe(100);
    expect(limiter.retries('a')).toBe(2);
    limiter.forget('a');
    expect(limiter.retries('a')).toBe(0);
    expect(limiter.when('a')).toBe(100);
  });

  it('slows a burst of distinct keys down to the bucket rate', () => {
    let now = 0;
    const limiter = new RateLimiter({ baseDelayMs: 1, maxDelayMs: 1_000, qps: 10, burst: 2 }, () => now);
    expect(limiter.when('k1')).toBe(1);
    expect(limiter.when('k2')).toBe(1);
    expect(limiter.when('k3')).toBe(100);
    expect(limiter.when('k4')).toBe(200);
    now = 1_000; // refill 10 tokens, capped at the burst of 2
    expect(limiter.when('k5')).toBe(1);
  });
});
