import { describe, expect, it } from 'vitest';
import { StructuralSchemaError, assertRe2Compatible, toStructuralSchema } from './structural-schema.ts';

describe('toStructuralSchema', () => {
  it('drops additionalProperties: false and sorts keys and properties', () => {
    expect(
      toStructuralSchema({
        type: 'object',
        properties: { b: { type: 'string' }, a: { type: 'integer', maximum: Number.MAX_SAFE_INTEGER } },
        required: ['b', 'a'],
        additionalProperties: false,
        description: 'd',
      }),
    ).toEqual({
      description: 'd',
      properties: { a: { type: 'integer' }, b: { type: 'string' } },
      required: ['a', 'b'],
      type: 'object',
    });
  });

  it('turns integer-or-string unions into x-kubernetes-int-or-string', () => {
    expect(
      toStructuralSchema({
        anyOf: [
          { type: 'integer', minimum: 0 },
          { type: 'string', pattern: '^[0-9]+m$' },
        ],
      }),
    ).toEqual({
      anyOf: [{ type: 'integer' }, { type: 'string' }],
      minimum: 0,
      pattern: '^[0-9]+m$',
      'x-kubernetes-int-or-string': true,
    });
  });

  it('turns const into a one-value enum and numeric exclusive bounds into OpenAPI 3.0 ones', () => {
    expect(toStructuralSchema({ type: 'string', const: 'x' })).toEqual({ enum: ['x'], type: 'string' });
    expect(toStructuralSchema({ type: 'integer', exclusiveMinimum: 0 })).toEqual({
      exclusiveMinimum: true,
      minimum: 0,
      type: 'integer',
    });
  });

  it('keeps maps, dropping unconstrained propertyNames', () => {
    expect(
      toStructuralSchema({
        type: 'object',
        propertyNames: { type: 'string' },
        additionalProperties: { type: 'string' },
      }),
    ).toEqual({ additionalProperties: { type: 'string' }, type: 'object' });
  });

  it('drops the pattern zod adds to date-time', () => {
    expect(toStructuralSchema({ type: 'string', format: 'date-time', pattern: '^(?:\\d{4})$' })).toEqual({
      format: 'date-time',
      type: 'string',
    });
  });

  it.each([
    [
      'a union other than int-or-string',
      { properties: { x: { anyOf: [{ type: 'string' }, { type: 'boolean' }] } } },
      '.x',
    ],
    ['a node without type', { properties: { x: { description: 'untyped' } } }, '.x'],
    ['a $ref', { properties: { x: { $ref: '#/definitions/x' } } }, '.x'],
    ['a lookahead pattern', { properties: { x: { type: 'string', pattern: '^(?=a)a$' } } }, '.x'],
    ['an unvalidated format', { properties: { x: { type: 'string', format: 'regex' } } }, '.x'],
    ['a tuple', { properties: { x: { type: 'array', items: [{ type: 'string' }] } } }, '.x'],
    ['a loose object', { properties: { x: { type: 'object', properties: {}, additionalProperties: {} } } }, '.x'],
  ])('refuses %s, naming the path', (_, properties, path) => {
    const attempt = () => toStructuralSchema({ type: 'object', ...properties });
    expect(attempt).toThrow(StructuralSchemaError);
    expect(attempt).toThrow(new RegExp(`^\\${path}:`));
  });
});

describe('assertRe2Compatible', () => {
  it.each(['^[a-z]+$', '^(?:a|b)$', '^\\d{4}-\\d{2}$', "^[a-z0-9!#$%&'*+.^_`|~-]+$"])('accepts %s', (pattern) => {
    expect(() => assertRe2Compatible(pattern, '.x')).not.toThrow();
  });

  it.each(['^(?=a).$', '^(?!a).$', '^(?<=a)b$', '^(a)\\1$', '^(?<name>a)$'])('refuses %s', (pattern) => {
    expect(() => assertRe2Compatible(pattern, '.x')).toThrow(/not RE2/);
  });
});
