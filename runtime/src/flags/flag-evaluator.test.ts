import { describe, expect, it } from 'vitest';
import { evaluationContext, canonicalContext, InvalidContextError } from './evaluation-context.ts';
import { parseFlagConfiguration } from './flag-configuration.ts';
import { evaluateAll, evaluateFlag } from './flag-evaluator.ts';
import { bulkEtag } from './ofrep-router.ts';

const configuration = parseFlagConfiguration(
  JSON.stringify({
    flags: {
      'dark-mode': { state: 'ENABLED', variants: { on: true, off: false }, defaultVariant: 'off' },
      'new-checkout': {
        state: 'ENABLED',
        variants: { on: true, off: false },
        defaultVariant: 'off',
        targeting: {
          if: [
            { and: [{ '==': [{ var: 'platform' }, 'ios'] }, { sem_ver: [{ var: 'appVersion' }, '>=', '2.3.0'] }] },
            'on',
            'off',
          ],
        },
      },
      'staff-menu': {
        state: 'ENABLED',
        variants: { on: true, off: false },
        defaultVariant: 'off',
        targeting: { if: [{ in: ['staff', { var: 'roles' }] }, 'on', 'off'] },
      },
      rollout: {
        state: 'ENABLED',
        variants: { a: 'a', b: 'b' },
        defaultVariant: 'a',
        targeting: {
          fractional: [
            ['a', 50],
            ['b', 50],
          ],
        },
      },
      retired: { state: 'DISABLED', variants: { on: true }, defaultVariant: 'on' },
    },
  }),
);

describe('evaluateFlag', () => {
  it('answers STATIC for a flag without targeting', () => {
    expect(evaluateFlag(configuration, 'dark-mode', {})).toMatchObject({
      value: false,
      variant: 'off',
      reason: 'STATIC',
    });
  });

  it('targets by platform and app version (sem_ver)', () => {
    const on = evaluateFlag(configuration, 'new-checkout', { platform: 'ios', appVersion: '2.3.1' });
    const old = evaluateFlag(configuration, 'new-checkout', { platform: 'ios', appVersion: '2.2.9' });
    expect(on).toMatchObject({ value: true, reason: 'TARGETING_MATCH' });
    expect(old).toMatchObject({ value: false, reason: 'TARGETING_MATCH' });
  });

  it('FLAG_NOT_FOUND for unknown and disabled flags', () => {
    expect(evaluateFlag(configuration, 'nope', {})).toMatchObject({ errorCode: 'FLAG_NOT_FOUND' });
    expect(evaluateFlag(configuration, 'retired', {})).toMatchObject({ errorCode: 'FLAG_NOT_FOUND' });
  });

  it('TARGETING_KEY_MISSING when a fractional rollout has no install id to bucket', () => {
    expect(evaluateFlag(configuration, 'rollout', {})).toMatchObject({ errorCode: 'TARGETING_KEY_MISSING' });
    expect(evaluateFlag(configuration, 'rollout', { targetingKey: 'install-1' })).toMatchObject({
      reason: 'TARGETING_MATCH',
    });
  });

  it('counts each evaluation by flag, variant and reason', () => {
    const seen: string[] = [];
    evaluateAll(configuration, { targetingKey: 'i' }, (key, variant, reason) =>
      seen.push(`${key}/${variant}/${reason}`),
    );
    expect(seen).toContain('dark-mode/off/STATIC');
    expect(seen.some((s) => s.startsWith('retired'))).toBe(false);
  });
});

describe('evaluationContext', () => {
  const principal = { userId: 'u-1', roles: ['staff'] };

  it('takes userId and roles from the verified token, never from the body', () => {
    const context = evaluationContext({ context: { userId: 'admin', roles: ['staff'], platform: 'ios' } }, undefined);
    expect(context).toEqual({ platform: 'ios' });
    expect(evaluateFlag(configuration, 'staff-menu', context)).toMatchObject({ value: false });
    const signedIn = evaluationContext({ context: { roles: [] } }, principal);
    expect(signedIn).toEqual({ userId: 'u-1', roles: ['staff'] });
    expect(evaluateFlag(configuration, 'staff-menu', signedIn)).toMatchObject({ value: true });
  });

  it.each([
    [{ context: { platform: 7 } }, 'context.platform'],
    [{ context: { locale: 'not a locale' } }, 'context.locale'],
    [{ context: { targetingKey: '' } }, 'context.targetingKey'],
    [{ context: [] }, 'context'],
    [[], 'body'],
  ])('refuses %j naming %s', (body, field) => {
    expect(() => evaluationContext(body, undefined)).toThrow(InvalidContextError);
    expect(() => evaluationContext(body, undefined)).toThrow(field);
  });

  it('canonical text ignores key order but not values', () => {
    expect(canonicalContext({ a: 1, b: { d: 1, c: 2 } })).toBe(canonicalContext({ b: { c: 2, d: 1 }, a: 1 }));
    expect(canonicalContext({ appVersion: '1.0.0' })).not.toBe(canonicalContext({ appVersion: '1.0.1' }));
  });
});

describe('bulkEtag', () => {
  it('covers the revision and the context, and the second when a rule reads $flagd.timestamp', () => {
    const a = bulkEtag('r1', canonicalContext({ appVersion: '1.0.0' }));
    expect(bulkEtag('r1', canonicalContext({ appVersion: '1.0.0' }))).toBe(a);
    expect(bulkEtag('r2', canonicalContext({ appVersion: '1.0.0' }))).not.toBe(a);
    expect(bulkEtag('r1', canonicalContext({ appVersion: '1.0.1' }))).not.toBe(a);
    expect(bulkEtag('r1', '{}', 5_000)).toBe(bulkEtag('r1', '{}', 5_999));
    expect(bulkEtag('r1', '{}', 5_000)).not.toBe(bulkEtag('r1', '{}', 6_000));
    const timed = parseFlagConfiguration(
      JSON.stringify({
        flags: {
          sale: {
            state: 'ENABLED',
            variants: { on: true, off: false },
            defaultVariant: 'off',
            targeting: { if: [{ '>': [{ var: '$flagd.timestamp' }, 1_900_000_000] }, 'on', 'off'] },
          },
        },
      }),
    );
    expect(timed.readsTimestamp).toBe(true);
    expect(configuration.readsTimestamp).toBe(false);
  });
});
