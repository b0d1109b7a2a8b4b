import { createServer } from 'node:http';
import type { IncomingHttpHeaders, Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { SignJWT, exportJWK, generateKeyPair } from 'jose';
import type { CryptoKey, JWK } from 'jose';

export const TEST_ISSUER = 'https://auth.test.mobileplane.io';
export const TEST_AUDIENCE = 'mobileplane-api';

interface SigningKey {
  kid: string;
  privateKey: CryptoKey;
  jwk: JWK;
}

/** A stand-in for the auth component: its own key pairs, a JWKS endpoint, and tokens minted on demand. */
export class TestIssuer {
  readonly requests: IncomingHttpHeaders[] = [];
  private readonly keys: SigningKey[] = [];
  private server: Server | undefined;
  jwksUrl = '';

  static async start(): Promise<TestIssuer> {
    const issuer = new TestIssuer();
    await issuer.addKey();
    issuer.server = createServer((req, res) => {
      issuer.requests.push(req.headers);
      res.setHeader('content-type', 'application/json');
      res.end(JSON.stringify({ keys: issuer.keys.map((k) => k.jwk) }));
    });
    await new Promise<void>((resolve) => issuer.server?.listen(0, '127.0.0.1', resolve));
    issuer.jwksUrl = `http://127.0.0.1:${(issuer.server.address() as AddressInfo).port}/jwks.json`;
    return issuer;
  }

  /** Adds a key (rotation); returns its kid. The JWKS serves it from now on. */
  async addKey(): Promise<string> {
    const { privateKey, publicKey } = await generateKeyPair('ES256');
    const kid = `k${this.keys.length + 1}`;
    this.keys.push({ kid, privateKey, jwk: { ...(await exportJWK(publicKey)), kid, alg: 'ES256', use: 'sig' } });
    return kid;
  }

  async mint(
    sub: string,
    options: {
      roles?: string[];
      iss?: string;
      aud?: string;
      expiresIn?: number;
      notBefore?: number;
      kid?: string;
      /** The auth session the token belongs to (the `sid` claim the auth component sets). */
      sid?: string;
    } = {},
  ): Promise<string> {
    const key =
      options.kid === undefined ? this.keys[this.keys.length - 1]! : this.keys.find((k) => k.kid === options.kid)!;
    const now = Math.floor(Date.now() / 1000);
    const jwt = new SignJWT({ roles: options.roles ?? [], ...(options.sid === undefined ? {} : { sid: options.sid }) })
      .setProtectedHeader({ alg: 'ES256', kid: key.kid })
      .setSubject(sub)
      .setIssuer(options.iss ?? TEST_ISSUER)
      .setAudience(options.aud ?? TEST_AUDIENCE)
      .setIssuedAt(now)
      .setExpirationTime(now + (options.expiresIn ?? 300));
    if (options.notBefore !== undefined) jwt.setNotBefore(now + options.notBefore);
    return jwt.sign(key.privateKey);
  }

  async stop(): Promise<void> {
    await new Promise((resolve) => this.server?.close(resolve));
  }
}
