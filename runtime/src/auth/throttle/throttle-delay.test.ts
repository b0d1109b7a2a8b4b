import { describe, expect, it } from 'vitest';
import { throttleDelayMs } from './throttle-delay.ts';

const policy = { freeFailures: 5, baseDelayMs: 1000, maxDelayMs: 900_000 };

describe('throttleDelayMs', () => {
  it.each([
    [0, 0],
    [4, 0],
    [5, 1000],
    [6, 2000],
    [10, 32_000],
    [15, 900_000],
    [1000, 900_000],
  ])('after %i attempts waits %i ms', (attempts, delay) => {
    expect(throttleDelayMs(attempts, policy)).toBe(delay);
  });
});
