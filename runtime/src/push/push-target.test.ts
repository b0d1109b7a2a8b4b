import { describe, expect, it } from 'vitest';
import { appVersionKey, pushTargetSchema, targetWhere } from './push-target.ts';

describe('push targets', () => {
  it('compares app versions as integers', () => {
    expect(appVersionKey('4.2.1')).toBe(4_002_001);
    expect(appVersionKey('4')).toBe(4_000_000);
    expect(appVersionKey('10.0')).toBeGreaterThan(appVersionKey('9.99.999'));
  });

  it.each([
    [{ userId: 'u1' }, 'd.pruned_at IS NULL AND d.user_id = $1', ['u1']],
    [{ topic: 'rides' }, 'd.pruned_at IS NULL AND d.topics @> ARRAY[$1::text]', ['rides']],
    [
      { segment: { platform: 'ios', appVersion: { min: '4.2', max: '5' } } },
      'd.pruned_at IS NULL AND d.platform = $1 AND d.app_version_key >= $2 AND d.app_version_key <= $3',
      ['ios', 4_002_000, 5_999_999],
    ],
    [{ segment: {} }, 'd.pruned_at IS NULL', []],
  ])('%j → parameterised SQL', (target, sql, params) => {
    expect(targetWhere(pushTargetSchema.parse(target))).toEqual({ sql, params });
  });

  it('numbers parameters from the given offset; locale matches the language and its regions', () => {
    const where = targetWhere(pushTargetSchema.parse({ segment: { locale: 'de' } }), 3);
    expect(where.sql).toContain("lower(d.locale) LIKE lower($3) || '-%'");
    expect(where.params).toEqual(['de']);
  });

  it('refuses targets with two selectors or unknown fields', () => {
    expect(pushTargetSchema.safeParse({ userId: 'a', topic: 'b' }).success).toBe(false);
    expect(pushTargetSchema.safeParse({ segment: { country: 'AT' } }).success).toBe(false);
    expect(pushTargetSchema.safeParse({ topic: 'has space' }).success).toBe(false);
  });
});
