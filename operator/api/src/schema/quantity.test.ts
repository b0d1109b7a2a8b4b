import { describe, expect, it } from 'vitest';
import { parseQuantity, quantity } from './quantity.ts';

describe('parseQuantity', () => {
  it.each([
    [2, 2],
    ['2', 2],
    ['500m', 0.5],
    ['1.5', 1.5],
    ['.5', 0.5],
    ['1k', 1000],
    ['256Mi', 256 * 2 ** 20],
    ['1Gi', 2 ** 30],
    ['1e3', 1000],
    ['1E-3', 0.001],
    ['0', 0],
  ] as const)('%s → %s', (input, expected) => {
    expect(parseQuantity(input)).toBeCloseTo(expected, 9);
  });

  it.each(['', 'lots', '1 Gi', '-1', '1Gb', '1ki'])('refuses %j', (input) => {
    expect(() => parseQuantity(input)).toThrow(/quantity/);
  });

  it('orders what Kubernetes orders', () => {
    expect(parseQuantity('1Gi')).toBeGreaterThan(parseQuantity('1G'));
    expect(parseQuantity('999m')).toBeLessThan(parseQuantity(1));
  });
});

describe('quantity()', () => {
  const schema = quantity('test');
  it.each([1, '1', '250m', '1Gi'])('accepts %j', (value) => {
    expect(schema.safeParse(value).success).toBe(true);
  });
  it.each([-1, 1.5, 'lots', '-1'])('refuses %j with a helpful message', (value) => {
    const result = schema.safeParse(value);
    expect(result.error?.issues[0]?.message).toBe('must be a non-negative quantity such as 500m, 2, 256Mi or 1Gi');
  });
});
