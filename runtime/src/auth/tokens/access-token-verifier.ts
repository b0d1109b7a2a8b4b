import { errors, jwtVerify } from 'jose';
import type { JWTHeaderParameters, JWTPayload } from 'jose';
import { AuthError } from '../auth-error-catalog.ts';
import type { Clock } from '../clock.ts';
import type { SigningKeyRing, SigningAlg } from '../keys/signing-key-ring.ts';

export interface VerifiedAccessToken {
  userId: string;
  sessionId: string;
  clientId: string;
  roles: string[];
  amr: string[];
  acr: string;
  authTime: number;
  scope: string;
  payload: JWTPayload;
}

const INVALID = { 'www-authenticate': 'Bearer error="invalid_token"' };

/**
 * Verifies this component's own access tokens against the local key ring (no HTTP): the one configured asymmetric
 * algorithm (so `none` and HS256-with-the-public-key never verify), `typ: at+jwt`, `iss`, `aud`, `exp`, `nbf`.
 */
export class AccessTokenVerifier {
  private readonly options: {
    keys: SigningKeyRing;
    alg: SigningAlg;
    issuer: string;
    audience: string;
    rolesClaim: string;
    clockToleranceSeconds: number;
    clock: Clock;
  };

  constructor(options: AccessTokenVerifier['options']) {
    this.options = options;
  }

  async verify(token: string): Promise<VerifiedAccessToken> {
    const { keys, alg, issuer, audience, rolesClaim, clock } = this.options;
    let payload: JWTPayload;
    try {
      ({ payload } = await jwtVerify(
        token,
        (header: JWTHeaderParameters) => {
          const key = header.kid === undefined ? undefined : keys.verificationKey(header.kid);
          if (key === undefined) throw new errors.JWKSNoMatchingKey();
          return key;
        },
        {
          issuer,
          audience,
          algorithms: [alg],
          typ: 'at+jwt',
          clockTolerance: this.options.clockToleranceSeconds,
          currentDate: new Date(clock.now()),
          requiredClaims: ['sub', 'exp', 'iat', 'sid'],
        },
      ));
    } catch (error) {
      if (error instanceof errors.JOSEError || error instanceof TypeError)
        throw new AuthError('invalid-token', 'the access token is not valid', { headers: INVALID });
      throw error;
    }
    const strings = (value: unknown) =>
      Array.isArray(value) ? value.filter((v): v is string => typeof v === 'string') : [];
    return {
      userId: String(payload.sub),
      sessionId: String(payload['sid']),
      clientId: String(payload['client_id'] ?? ''),
      roles: strings(payload[rolesClaim]),
      amr: strings(payload['amr']),
      acr: String(payload['acr'] ?? ''),
      authTime: Number(payload['auth_time'] ?? 0),
      scope: String(payload['scope'] ?? ''),
      payload,
    };
  }
}
