import { describe, expect, it } from 'vitest';
import { VerifiedTokenCache } from './verified-token-cache.ts';

describe('VerifiedTokenCache', () => {
  it('serves a token until exp, with the same tolerance rule as jose', () => {
    const cache = new VerifiedTokenCache<string>(10);
    cache.set('t', 'alice', 1_000, 0);
    expect(cache.get('t', 999, 0, 0)).toBe('alice');
    expect(cache.get('t', 1_000, 0, 0)).toBeUndefined(); // exp <= now: expired
    cache.set('t', 'alice', 1_000, 0);
    expect(cache.get('t', 1_004, 5, 0)).toBe('alice');
    expect(cache.get('t', 1_005, 5, 0)).toBeUndefined();
  });

  it('drops entries verified under another key-set generation', () => {
    const cache = new VerifiedTokenCache<string>(10);
    cache.set('t', 'alice', 1_000, 1);
    expect(cache.get('t', 0, 0, 2)).toBeUndefined();
    expect(cache.get('t', 0, 0, 1)).toBeUndefined(); // gone, not just hidden
  });

  it('is bounded and evicts the least recently used entry', () => {
    const cache = new VerifiedTokenCache<string>(2);
    cache.set('a', 'A', 1_000, 0);
    cache.set('b', 'B', 1_000, 0);
    expect(cache.get('a', 0, 0, 0)).toBe('A'); // a is now the most recent
    cache.set('c', 'C', 1_000, 0);
    expect(cache.size).toBe(2);
    expect(cache.get('b', 0, 0, 0)).toBeUndefined();
    expect(cache.get('a', 0, 0, 0)).toBe('A');
    expect(cache.get('c', 0, 0, 0)).toBe('C');
  });

  it('keeps nothing when its size is 0', () => {
    const cache = new VerifiedTokenCache<string>(0);
    cache.set('a', 'A', 1_000, 0);
    expect(cache.get('a', 0, 0, 0)).toBeUndefined();
  });
});
