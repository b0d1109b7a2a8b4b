import { createRemoteJWKSet, customFetch, errors, jwtVerify } from 'jose';
import type { JWTPayload } from 'jose';
import { AppError } from '../platform/error-catalog.ts';
import { tracedFetch } from '../platform/tracing.ts';
import type { Principal } from './access-policy.ts';

export interface JwtSettings {
  jwksUrl: string;
  issuer: string;
  audience: string;
  rolesClaim: string;
  clockToleranceSeconds: number;
  /** Minimum time between JWKS refetches triggered by an unknown `kid` (jose's cooldown). */
  jwksCooldownMs?: number;
}

/** Asymmetric algorithms only: a JWKS never holds shared secrets, and `none`/HS* must never verify. */
const ALGORITHMS = [
  'RS256',
  'RS384',
  'RS512',
  'PS256',
  'PS384',
  'PS512',
  'ES256',
  'ES384',
  'ES512',
  'EdDSA',
  'Ed25519',
];

const INVALID_TOKEN = { 'www-authenticate': 'Bearer error="invalid_token"' };

/**
 * Verifies access tokens against the auth component's JWKS (or any OIDC provider's): keys cached by jose and
 * refetched when a token names an unknown `kid` (key rotation); `iss`, `aud`, `exp` and `nbf` checked.
 */
export class JwtAuthenticator {
  private readonly settings: JwtSettings;
  private readonly jwks: ReturnType<typeof createRemoteJWKSet>;

  constructor(settings: JwtSettings) {
    this.settings = settings;
    this.jwks = createRemoteJWKSet(new URL(settings.jwksUrl), {
      cacheMaxAge: 10 * 60 * 1000,
      cooldownDuration: settings.jwksCooldownMs ?? 30_000,
      timeoutDuration: 5_000,
      [customFetch]: (url, options) => tracedFetch(url, options as RequestInit),
    });
  }

  async verify(token: string): Promise<Principal> {
    let payload: JWTPayload;
    try {
      ({ payload } = await jwtVerify(token, this.jwks, {
        issuer: this.settings.issuer,
        audience: this.settings.audience,
        algorithms: ALGORITHMS,
        clockTolerance: this.settings.clockToleranceSeconds,
        requiredClaims: ['sub', 'exp'],
      }));
    } catch (error) {
      if (error instanceof errors.JOSEError)
        throw new AppError('invalid-token', describe(error), { headers: INVALID_TOKEN });
      throw new AppError('unavailable', 'the token issuer could not be reached');
    }
    const roles = payload[this.settings.rolesClaim];
    return {
      userId: payload.sub as string,
      roles: Array.isArray(roles) ? roles.filter((r): r is string => typeof r === 'string') : [],
    };
  }
}

function describe(error: InstanceType<typeof errors.JOSEError>): string {
  if (error instanceof errors.JWTExpired) return 'the token has expired';
  if (error instanceof errors.JWTClaimValidationFailed) return `claim ${error.claim} is invalid: ${error.reason}`;
  if (error instanceof errors.JWKSNoMatchingKey) return 'the token was signed by an unknown key';
  if (error instanceof errors.JWKSTimeout || error instanceof errors.JWKSInvalid)
    return 'the signing keys could not be loaded';
  return 'the token could not be verified';
}
