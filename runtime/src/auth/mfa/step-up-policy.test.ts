import { describe, expect, it } from 'vitest';
import { stepUpSatisfied } from './step-up-policy.ts';

describe('stepUpSatisfied', () => {
  it.each([
    ['recent otp', ['pwd', 'otp'], 1000, true, 1200, true],
    ['otp too old', ['pwd', 'otp'], 1000, true, 1301, false],
    ['password only with MFA enrolled', ['pwd'], 1000, true, 1001, false],
    ['recent password, no MFA enrolled', ['pwd'], 1000, false, 1200, true],
    ['old password, no MFA enrolled', ['pwd'], 1000, false, 1400, false],
  ])('%s', (_name, amr, authTime, mfaEnabled, now, expected) => {
    expect(stepUpSatisfied({ amr, authTime }, mfaEnabled, now, 300)).toBe(expected);
  });
});
