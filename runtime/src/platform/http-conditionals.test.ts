import { describe, expect, it } from 'vitest';
import { etagOf, ifNoneMatchHits, negotiateEncoding, parseIfMatch, strongMatch } from './http-conditionals.ts';

describe('ETag comparison', () => {
  it('computes a stable quoted tag', () => {
    expect(etagOf('abc')).toBe(etagOf(Buffer.from('abc')));
    expect(etagOf('abc')).not.toBe(etagOf('abd'));
    expect(etagOf('abc')).toMatch(/^"[A-Za-z0-9_-]{22}"$/);
  });

  it.each([
    ['"v1"', '"v1"', true],
    ['W/"v1"', '"v1"', true],
    ['"v1-gzip"', '"v1"', true],
    ['"a", "v1-br"', '"v1"', true],
    ['*', '"v1"', true],
    ['"v2"', '"v1"', false],
    [undefined, '"v1"', false],
  ])('If-None-Match %s vs %s -> %s', (header, etag, hit) => expect(ifNoneMatchHits(header, etag)).toBe(hit));

  it.each([
    ['"v1"', '"v1"', true],
    ['"v1-br"', '"v1"', true],
    ['W/"v1"', '"v1"', false],
    ['"v0", "v1"', '"v1"', true],
    ['*', '"v9"', true],
    ['"v2"', '"v1"', false],
  ])('If-Match %s vs %s -> %s', (header, etag, ok) => expect(strongMatch(parseIfMatch(header), etag)).toBe(ok));
});

describe('negotiateEncoding', () => {
  it.each([
    [undefined, undefined],
    ['identity', undefined],
    ['gzip', 'gzip'],
    ['gzip, deflate, br', 'br'],
    ['br;q=0.5, gzip', 'gzip'],
    ['br;q=0, gzip;q=0', undefined],
    ['*', 'br'],
    ['*;q=0.1, gzip;q=0', 'br'],
  ])('%s -> %s', (header, expected) => expect(negotiateEncoding(header)).toBe(expected));
});
