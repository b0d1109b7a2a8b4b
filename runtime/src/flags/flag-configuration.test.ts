import { describe, expect, it } from 'vitest';
import {
  FlagConfigurationError,
  flagConfigRevision,
  parseFlagConfiguration,
  readsTargetingKey,
} from './flag-configuration.ts';

const flag = (extra: Record<string, unknown> = {}) => ({
  state: 'ENABLED',
  variants: { on: true, off: false },
  defaultVariant: 'off',
  ...extra,
});

function refusal(document: unknown): FlagConfigurationError {
  try {
    parseFlagConfiguration(JSON.stringify(document));
  } catch (error) {
    if (error instanceof FlagConfigurationError) return error;
    throw error;
  }
  throw new Error('accepted');
}

describe('parseFlagConfiguration', () => {
  it('accepts a flagd document and takes its revision from the text', () => {
    const text = JSON.stringify({ flags: { 'new-checkout': flag() } });
    const configuration = parseFlagConfiguration(text);
    expect(configuration.revision).toBe(flagConfigRevision(text));
    expect(configuration.revision).toMatch(/^[0-9a-f]{16}$/);
    expect([...configuration.core.getFlags().keys()]).toEqual(['new-checkout']);
  });

  it.each([
    [
      'an unknown targeting operator',
      { flags: { checkout: flag({ targeting: { nope: [1, 2] } }) } },
      'flags.checkout.targeting',
    ],
    [
      'a $ref to a missing evaluator',
      { flags: { checkout: flag({ targeting: { if: [{ $ref: 'gone' }, 'on', 'off'] } }) } },
      'flags.checkout.targeting',
    ],
    ['a bad state', { flags: { checkout: flag({ state: 'ON' }) } }, 'flags.checkout.state'],
    [
      'variants of mixed types',
      { flags: { checkout: flag({ variants: { on: true, off: 'no' } }) } },
      'flags.checkout.variants',
    ],
    [
      'a sem_ver rule with a v-prefixed version',
      {
        flags: {
          checkout: flag({ targeting: { if: [{ sem_ver: [{ var: 'appVersion' }, '>=', 'v2.0.0'] }, 'on', 'off'] } }),
        },
      },
      'flags.checkout.targeting',
    ],
  ])('refuses %s and names the flag', (_title, document, field) => {
    const error = refusal(document);
    expect(error.field.startsWith(field), `${error.field} should start with ${field}`).toBe(true);
  });

  it('refuses a default variant that is not a variant', () => {
    expect(refusal({ flags: { checkout: flag({ defaultVariant: 'maybe' }) } }).message).toMatch(/maybe/);
  });

  it('revision: the first 16 hex digits of SHA-256 (same vector as the operator renderer test)', () => {
    expect(flagConfigRevision('{"flags":{}}')).toBe('b0c7411faa13dd87');
  });

  it('refuses text that is not JSON', () => {
    expect(() => parseFlagConfiguration('{flags')).toThrow(FlagConfigurationError);
  });
});

describe('readsTargetingKey', () => {
  it.each([
    [
      {
        fractional: [
          ['a', 50],
          ['b', 50],
        ],
      },
      true,
    ],
    [{ fractional: [{ var: 'user.id' }, ['a', 50], ['b', 50]] }, false],
    [{ in: [{ var: 'targetingKey' }, ['x']] }, true],
    [{ in: [{ var: ['targetingKey'] }, ['x']] }, true],
    [{ '==': [{ var: 'platform' }, 'ios'] }, false],
    [undefined, false],
  ])('%j → %s', (rule, expected) => {
    expect(readsTargetingKey(rule)).toBe(expected);
  });
});
