import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { CEL_RULES_KEY, fieldPathSegments, withCelRules } from './cel-rules.ts';

const range = z.object({ min: z.int(), max: z.int() }).describe('A range.');
const rule = {
  rule: 'self.min <= self.max',
  message: 'min must be less than or equal to max',
  fieldPath: '.min',
  holds: (self: { min: number; max: number }) => self.min <= self.max,
};

describe('withCelRules', () => {
  it('reports a broken rule at its fieldPath', () => {
    const schema = z.object({ range: withCelRules(range, [rule]) });
    expect(schema.safeParse({ range: { min: 2, max: 1 } }).error?.issues).toEqual([
      expect.objectContaining({ path: ['range', 'min'], message: 'min must be less than or equal to max' }),
    ]);
  });

  it('emits the rule for the CRD and keeps the description', () => {
    const json = z.toJSONSchema(withCelRules(range, [rule]));
    expect(json.description).toBe('A range.');
    expect(json[CEL_RULES_KEY]).toEqual([
      { rule: 'self.min <= self.max', message: 'min must be less than or equal to max', fieldPath: '.min' },
    ]);
  });

  it('adds to rules attached before, and emits transition rules only for the CRD', () => {
    const twice = withCelRules(withCelRules(range, [rule]), [], [{ rule: 'self == oldSelf', message: 'immutable' }]);
    expect(z.toJSONSchema(twice)[CEL_RULES_KEY]).toHaveLength(2);
    expect(twice.safeParse({ min: 1, max: 2 }).success).toBe(true);
  });
});

describe('fieldPathSegments', () => {
  it.each([
    [undefined, []],
    ['.a', ['a']],
    ['.a.b', ['a', 'b']],
  ])('%s → %j', (path, expected) => {
    expect(fieldPathSegments(path)).toEqual(expected);
  });

  it('refuses paths it cannot map to zod paths', () => {
    expect(() => fieldPathSegments(".a['b']")).toThrow(/unsupported/);
  });
});
