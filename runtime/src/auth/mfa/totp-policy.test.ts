import { describe, expect, it } from 'vitest';
import { TOTP_PERIOD_SECONDS, matchTotpStep, newTotpSecret, totpCode, totpUri } from './totp-policy.ts';

const period = TOTP_PERIOD_SECONDS * 1000;

describe('TOTP', () => {
  // RFC 6238 Appendix B test vector: SHA-1 secret "12345678901234567890", T = 59 s → 94287082 (8 digits) → 287082.
  it('matches the RFC 6238 test vector', () => {
    const secret = 'GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ';
    expect(totpCode(secret, 59_000)).toBe('287082');
    expect(matchTotpStep(secret, '287082', 59_000, 0)).toBe(1);
  });

  it('accepts one step of drift, not two, and never the same step twice', () => {
    const secret = newTotpSecret();
    const t = 1_700_000_000_000;
    const step = Math.floor(t / period);
    expect(matchTotpStep(secret, totpCode(secret, t - period), t, 0)).toBe(step - 1);
    expect(matchTotpStep(secret, totpCode(secret, t - 2 * period), t, 0)).toBeUndefined();
    expect(matchTotpStep(secret, totpCode(secret, t), t, step)).toBeUndefined();
    expect(matchTotpStep(secret, 'abcdef', t, 0)).toBeUndefined();
  });

  it('builds an otpauth URI for QR codes', () => {
    expect(totpUri(newTotpSecret(), 'Mobileplane', 'alice@example.com')).toMatch(
      /^otpauth:\/\/totp\/Mobileplane:alice%40example\.com\?/,
    );
  });
});
