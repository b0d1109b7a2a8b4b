import { randomUUID } from 'node:crypto';
import { SignJWT } from 'jose';
import type { Clock } from '../clock.ts';
import type { SigningKeyRing } from '../keys/signing-key-ring.ts';
import type { AccessTokenSubject } from './access-token-claims.ts';
import { sanitizeCustomClaims } from './access-token-claims.ts';

export interface IssuedAccessToken {
  token: string;
  expiresIn: number;
}

/** Mints RFC 9068 JWT access tokens (`typ: at+jwt`) with the key ring's current key. */
export class AccessTokenIssuer {
  private readonly options: {
    keys: SigningKeyRing;
    issuer: string;
    audience: string;
    ttlSeconds: number;
    rolesClaim: string;
    reservedClaims: readonly string[];
    clock: Clock;
  };

  constructor(options: AccessTokenIssuer['options']) {
    this.options = options;
  }

  async issue(subject: AccessTokenSubject, ttlSeconds = this.options.ttlSeconds): Promise<IssuedAccessToken> {
    const { keys, issuer, audience, rolesClaim, clock } = this.options;
    const key = keys.signingKey();
    const now = Math.floor(clock.now() / 1000);
    const token = await new SignJWT({
      ...sanitizeCustomClaims(subject.customClaims, [rolesClaim, ...this.options.reservedClaims]),
      client_id: subject.clientId,
      scope: subject.scope,
      sid: subject.sessionId,
      [rolesClaim]: [...subject.roles],
      acr: subject.acr,
      amr: [...subject.amr],
      auth_time: subject.authTime,
    })
      .setProtectedHeader({ alg: key.alg, kid: key.kid, typ: 'at+jwt' })
      .setIssuer(issuer)
      .setAudience(audience)
      .setSubject(subject.userId)
      .setIssuedAt(now)
      .setExpirationTime(now + ttlSeconds)
      .setJti(randomUUID())
      .sign(key.privateKey);
    return { token, expiresIn: ttlSeconds };
  }
}
