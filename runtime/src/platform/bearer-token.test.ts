import { describe, expect, it } from 'vitest';
import { parseBearerToken } from './bearer-token.ts';

describe('parseBearerToken', () => {
  it.each([
    ['Bearer abc.def.ghi', 'abc.def.ghi'],
    ['bearer abc', 'abc'],
    ['BEARER   a-b_c~d+e/f==', 'a-b_c~d+e/f=='],
    ['Bearer', undefined],
    ['Bearer ', undefined],
    ['Basic dXNlcjpwYXNz', undefined],
    ['Bearer abc def', undefined],
    ['Bearer ab=c', undefined],
    [undefined, undefined],
  ])('%s → %s', (header, token) => {
    expect(parseBearerToken(header)).toBe(token);
  });
});
