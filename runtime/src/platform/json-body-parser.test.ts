import { describe, expect, it } from 'vitest';
import { AppError } from './error-catalog.ts';
import { checkJsonContentType, jsonDepth, parseJsonBody } from './json-body-parser.ts';

function codeOf(fn: () => unknown): string | undefined {
  try {
    fn();
  } catch (error) {
    return error instanceof AppError ? error.code : 'not-an-app-error';
  }
  return undefined;
}

describe('jsonDepth', () => {
  it.each([
    ['1', 0],
    ['{}', 1],
    ['{"a":[1,{"b":2}]}', 3],
    ['"[[[[["', 0],
    ['{"a":"\\"[["}', 1],
    ['[[[]],[]]', 3],
  ])('%s has depth %d', (text, depth) => expect(jsonDepth(text)).toBe(depth));
});

describe('parseJsonBody', () => {
  it('parses UTF-8 JSON', () => {
    expect(parseJsonBody(Buffer.from('{"title":"héllo"}'), 32)).toEqual({ title: 'héllo' });
  });

  it.each([
    [Buffer.from('{"a":'), 'malformed-json'],
    [Buffer.from([0x7b, 0x22, 0x61, 0x22, 0x3a, 0x22, 0xc3, 0x28, 0x22, 0x7d]), 'invalid-encoding'],
    [Buffer.from('['.repeat(100_000) + ']'.repeat(100_000)), 'json-too-deep'],
    [Buffer.from(''), 'malformed-json'],
  ])('refuses bad bodies (%#) with %s', (bytes, code) => {
    expect(codeOf(() => parseJsonBody(bytes, 32))).toBe(code);
  });
});

describe('checkJsonContentType', () => {
  it.each([
    ['application/json', undefined],
    ['application/json; charset=utf-8', undefined],
    ['Application/JSON; charset="UTF-8"', undefined],
    ['text/plain', 'unsupported-media-type'],
    ['application/json; charset=latin1', 'unsupported-media-type'],
    [undefined, 'unsupported-media-type'],
  ])('%s -> %s', (header, code) => expect(codeOf(() => checkJsonContentType(header))).toBe(code));

  it('accepts extra types when asked', () => {
    expect(codeOf(() => checkJsonContentType('application/merge-patch+json', ['application/merge-patch+json']))).toBe(
      undefined,
    );
  });
});
