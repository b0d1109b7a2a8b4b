import { createRemoteJWKSet, customFetch, errors, jwtVerify } from 'jose';
import type { JWTPayload } from 'jose';
import { AppError } from '../platform/error-catalog.ts';
import type { SessionRevocations } from '../platform/session-revocations.ts';
import { tracedFetch } from '../platform/tracing.ts';
import type { Principal } from './access-policy.ts';
import { VerifiedTokenCache } from './verified-token-cache.ts';

export interface JwtSettings {
  jwksUrl: string;
  issuer: string;
  audience: string;
  rolesClaim: string;
  clockToleranceSeconds: number;
  /** Minimum time between JWKS refetches triggered by an unknown `kid` (jose's cooldown). */
  jwksCooldownMs?: number;
  /** Verified tokens remembered until they expire (0: verify every request); see VerifiedTokenCache. */
  verifiedTokenCacheSize?: number;
  /** Sessions the auth component revoked: their tokens are refused before `exp` (docs/decisions/0750). */
  revocations?: Pick<SessionRevocations, 'isRevoked'>;
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
 *
 * A token that verified is remembered by its exact text until its `exp` (docs/decisions/0104): the signature
 * check, the dominant per-request cost of the api component, then runs once per token instead of once per
 * request. A remembered token is verified again once the key set is older than jose's cache age or was refetched,
 * so a key removed from the JWKS stops being honoured exactly when it would without this cache.
 */
export class JwtAuthenticator {
  private readonly settings: JwtSettings;
  private readonly jwks: ReturnType<typeof createRemoteJWKSet>;
  private readonly verified: VerifiedTokenCache<Principal>;
  /** Bumped on every JWKS fetch: entries verified under an older key set are not trusted. */
  private keySetGeneration = 0;

  constructor(settings: JwtSettings) {
    this.settings = settings;
    this.verified = new VerifiedTokenCache(settings.verifiedTokenCacheSize ?? 10_000);
    this.jwks = createRemoteJWKSet(new URL(settings.jwksUrl), {
      cacheMaxAge: 10 * 60 * 1000,
      cooldownDuration: settings.jwksCooldownMs ?? 30_000,
      timeoutDuration: 5_000,
      [customFetch]: (url, options) => {
        this.keySetGeneration++;
        return tracedFetch(url, options as RequestInit);
      },
    });
  }

  async verify(token: string): Promise<Principal> {
    const nowSeconds = Math.floor(Date.now() / 1000);
    if (this.jwks.fresh) {
      const cached = this.verified.get(token, nowSeconds, this.settings.clockToleranceSeconds, this.keySetGeneration);
      if (cached !== undefined) return this.unlessRevoked(cached);
    }
    // Remembered only if no key-set fetch was in flight or began while the token was checked: it may have been
    // checked against keys that the fetch removes.
    const generation = this.jwks.reloading ? undefined : this.keySetGeneration;
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
    const sid = payload['sid'];
    const principal: Principal = Object.freeze({
      userId: payload.sub as string,
      roles: Object.freeze(Array.isArray(roles) ? roles.filter((r): r is string => typeof r === 'string') : []),
      sessionId: typeof sid === 'string' && sid !== '' ? sid : undefined,
      expiresAt: payload.exp as number,
    });
    if (generation === this.keySetGeneration && !this.jwks.reloading)
      this.verified.set(token, principal, payload.exp as number, generation);
    return this.unlessRevoked(principal);
  }

  /** Plain requests honour revocation too: one map lookup per request (decision 0750). */
  private unlessRevoked(principal: Principal): Principal {
    if (principal.sessionId !== undefined && this.settings.revocations?.isRevoked(principal.sessionId))
      throw new AppError('invalid-token', 'the session of this token was revoked', { headers: INVALID_TOKEN });
    return principal;
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
