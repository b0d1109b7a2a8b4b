import { AuthError } from '../auth-error-catalog.ts';
import { ACR_MFA } from '../tokens/access-token-claims.ts';

/**
 * Whether a token is good enough for a sensitive action: a second factor (`amr` has `otp`) no older than
 * `maxAgeSeconds`; accounts without a second factor need a fresh sign-in instead. Pure; table-tested.
 */
export function stepUpSatisfied(
  token: { amr: readonly string[]; authTime: number },
  mfaEnabled: boolean,
  nowSeconds: number,
  maxAgeSeconds: number,
): boolean {
  const fresh = nowSeconds - token.authTime <= maxAgeSeconds;
  return fresh && (!mfaEnabled || token.amr.includes('otp'));
}

/** RFC 9470 step-up challenge. */
export function stepUpRequired(maxAgeSeconds: number): AuthError {
  return new AuthError('step-up-required', 'confirm with your second factor (POST /v1/auth/step-up) and retry', {
    headers: {
      'www-authenticate': `Bearer error="insufficient_user_authentication", error_description="A recent second factor is required", acr_values="${ACR_MFA}", max_age=${maxAgeSeconds}`,
    },
    extensions: { acr_values: ACR_MFA, max_age: maxAgeSeconds },
  });
}
