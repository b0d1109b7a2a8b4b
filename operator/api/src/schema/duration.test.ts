import { describe, expect, it } from 'vitest';
import { duration, parseDuration } from './duration.ts';

describe('parseDuration', () => {
  it.each([
    ['300ms', 300],
    ['90s', 90_000],
    ['15m', 900_000],
    ['1h30m', 5_400_000],
    ['1.5h', 5_400_000],
    ['720h', 2_592_000_000],
    ['1m30s500ms', 90_500],
  ])('%s → %d ms', (input, expected) => {
    expect(parseDuration(input)).toBe(expected);
  });

  it.each(['', '15', '1d', '-5m', '5 m', 'm'])('refuses %j', (input) => {
    expect(() => parseDuration(input)).toThrow(/duration/);
    expect(duration('test').safeParse(input).success).toBe(false);
  });
});
