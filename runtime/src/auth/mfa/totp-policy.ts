import { Secret, TOTP } from 'otpauth';

/** RFC 6238 parameters every authenticator app supports: SHA-1, 6 digits, 30 s; ±1 step for clock drift. */
export const TOTP_PERIOD_SECONDS = 30;
const WINDOW = 1;

export function newTotpSecret(): string {
  return new Secret({ size: 20 }).base32;
}

export function totpUri(secretBase32: string, issuer: string, label: string): string {
  return new TOTP({ issuer, label, secret: Secret.fromBase32(secretBase32), period: TOTP_PERIOD_SECONDS }).toString();
}

/** The code for a given instant (tests and the enrolment example). */
export function totpCode(secretBase32: string, timestampMs: number): string {
  return TOTP.generate({
    secret: Secret.fromBase32(secretBase32),
    period: TOTP_PERIOD_SECONDS,
    timestamp: timestampMs,
  });
}

/**
 * The time step a code matches, or undefined. A code is accepted only for a step later than the last accepted
 * one (RFC 6238 §5.2: a verifier must not accept the same OTP twice).
 */
export function matchTotpStep(
  secretBase32: string,
  code: string,
  timestampMs: number,
  lastUsedStep: number,
): number | undefined {
  if (!/^\d{6}$/.test(code)) return undefined;
  const delta = TOTP.validate({
    token: code,
    secret: Secret.fromBase32(secretBase32),
    period: TOTP_PERIOD_SECONDS,
    timestamp: timestampMs,
    window: WINDOW,
  });
  if (delta === null) return undefined;
  const step = Math.floor(timestampMs / 1000 / TOTP_PERIOD_SECONDS) + delta;
  return step > lastUsedStep ? step : undefined;
}
