import { createServer } from 'node:http';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { SignJWT, exportJWK, generateKeyPair } from 'jose';
import type { CryptoKey, JWK } from 'jose';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { JwtAuthenticator } from './jwt-authenticator.ts';

const ISSUER = 'https://auth.test.mobileplane.io';
const AUDIENCE = 'mobileplane-api';

/** A JWKS endpoint whose key set the test changes (rotation, revocation). */
const keys = new Map<string, { privateKey: CryptoKey; jwk: JWK }>();
let jwksFetches = 0;
let jwksDelayMs = 0;
let server: Server;
let jwksUrl = '';

async function addKey(kid: string): Promise<void> {
  const { privateKey, publicKey } = await generateKeyPair('ES256');
  keys.set(kid, { privateKey, jwk: { ...(await exportJWK(publicKey)), kid, alg: 'ES256', use: 'sig' } });
}

function mint(kid: string, sub: string, expiresIn = 300): Promise<string> {
  const now = Math.floor(Date.now() / 1000);
  return new SignJWT({ roles: ['editor'] })
    .setProtectedHeader({ alg: 'ES256', kid })
    .setSubject(sub)
    .setIssuer(ISSUER)
    .setAudience(AUDIENCE)
    .setExpirationTime(now + expiresIn)
    .sign(keys.get(kid)!.privateKey);
}

function authenticator(cacheSize?: number): JwtAuthenticator {
  return new JwtAuthenticator({
    jwksUrl,
    issuer: ISSUER,
    audience: AUDIENCE,
    rolesClaim: 'roles',
    clockToleranceSeconds: 5,
    jwksCooldownMs: 0,
    ...(cacheSize === undefined ? {} : { verifiedTokenCacheSize: cacheSize }),
  });
}

beforeAll(async () => {
  server = createServer((_req, res) => {
    jwksFetches++;
    const body = JSON.stringify({ keys: [...keys.values()].map((k) => k.jwk) });
    res.setHeader('content-type', 'application/json');
    setTimeout(() => res.end(body), jwksDelayMs);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  jwksUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}/jwks.json`;
});

afterAll(() => new Promise((resolve) => server.close(resolve)));

afterEach(() => {
  jwksDelayMs = 0;
  vi.useRealTimers();
  vi.restoreAllMocks();
  keys.clear();
});

describe('JwtAuthenticator and revoked sessions (decision 0750)', () => {
  it('refuses a token of a revoked session, remembered or not, and keeps serving other sessions', async () => {
    await addKey('r');
    const revoked = new Set<string>();
    const auth = new JwtAuthenticator({
      jwksUrl,
      issuer: ISSUER,
      audience: AUDIENCE,
      rolesClaim: 'roles',
      clockToleranceSeconds: 5,
      jwksCooldownMs: 0,
      revocations: { isRevoked: (sid) => revoked.has(sid) },
    });
    const now = Math.floor(Date.now() / 1000);
    const withSid = (sid: string) =>
      new SignJWT({ roles: [], sid })
        .setProtectedHeader({ alg: 'ES256', kid: 'r' })
        .setSubject('carol')
        .setIssuer(ISSUER)
        .setAudience(AUDIENCE)
        .setExpirationTime(now + 300)
        .sign(keys.get('r')!.privateKey);
    const token = await withSid('s-1');
    const other = await withSid('s-2');
    expect(await auth.verify(token)).toMatchObject({ userId: 'carol', sessionId: 's-1', expiresAt: now + 300 });
    revoked.add('s-1');
    await expect(auth.verify(token)).rejects.toMatchObject({ code: 'invalid-token' });
    expect((await auth.verify(other)).sessionId).toBe('s-2');
  });
});

describe('JwtAuthenticator verified-token cache', () => {
  it('checks the signature of a token once, then serves the same principal', async () => {
    await addKey('a');
    const auth = authenticator();
    await auth.verify(await mint('a', 'warm-up')); // loads the key set
    const token = await mint('a', 'alice');
    const verify = vi.spyOn(globalThis.crypto.subtle, 'verify');
    const first = await auth.verify(token);
    const second = await auth.verify(token);
    expect(first).toEqual({ userId: 'alice', roles: ['editor'], sessionId: undefined, expiresAt: expect.any(Number) });
    expect(second).toBe(first);
    expect(verify).toHaveBeenCalledTimes(1);
  });

  it('verifies every request when the cache size is 0', async () => {
    await addKey('a');
    const auth = authenticator(0);
    const token = await mint('a', 'alice');
    const verify = vi.spyOn(globalThis.crypto.subtle, 'verify');
    await auth.verify(token);
    await auth.verify(token);
    expect(verify).toHaveBeenCalledTimes(2);
  });

  it('rejects an expired token even though it is cached', async () => {
    await addKey('a');
    const auth = authenticator();
    const token = await mint('a', 'alice', 60);
    await auth.verify(token);
    vi.useFakeTimers({ toFake: ['Date'], now: Date.now() + 66_000 }); // past exp + 5 s tolerance
    await expect(auth.verify(token)).rejects.toMatchObject({ code: 'invalid-token', message: 'the token has expired' });
  });

  it('never caches a token that failed: a bad signature is refused every time', async () => {
    await addKey('a');
    const auth = authenticator();
    const token = await mint('a', 'alice');
    const [header, payload, signature] = token.split('.') as [string, string, string];
    const tampered = `${header}.${payload}.${signature.startsWith('A') ? 'B' : 'A'}${signature.slice(1)}`;
    await expect(auth.verify(tampered)).rejects.toMatchObject({ code: 'invalid-token' });
    await expect(auth.verify(tampered)).rejects.toMatchObject({ code: 'invalid-token' });
    await expect(auth.verify(token)).resolves.toMatchObject({ userId: 'alice' });
  });

  it('stops honouring a cached token once its key is removed and the key set refetched (unknown kid)', async () => {
    await addKey('a');
    const auth = authenticator();
    const old = await mint('a', 'alice');
    await auth.verify(old);
    // Rotation with revocation: the issuer drops key a and signs with b; a token naming b makes us refetch.
    keys.delete('a');
    await addKey('b');
    const fetches = jwksFetches;
    await expect(auth.verify(await mint('b', 'bob'))).resolves.toMatchObject({ userId: 'bob' });
    expect(jwksFetches).toBe(fetches + 1);
    await expect(auth.verify(old)).rejects.toMatchObject({
      code: 'invalid-token',
      message: 'the token was signed by an unknown key',
    });
  });

  it('verifies a cached token again once the key set is stale, and refuses it if its key was revoked', async () => {
    await addKey('a');
    const auth = authenticator();
    const token = await mint('a', 'alice', 3_600);
    await auth.verify(token);
    keys.delete('a');
    await addKey('b');
    const fetches = jwksFetches;
    vi.useFakeTimers({ toFake: ['Date'], now: Date.now() + 11 * 60 * 1000 }); // past jose's 10 min cache age
    await expect(auth.verify(token)).rejects.toMatchObject({ code: 'invalid-token' });
    expect(jwksFetches).toBeGreaterThan(fetches);
  });

  it('does not remember a token checked while the key set was being refetched', async () => {
    await addKey('a');
    const auth = authenticator();
    await auth.verify(await mint('a', 'warm-up'));
    const token = await mint('a', 'alice');
    // The issuer revokes a and signs with b. A token naming b starts a slow refetch; alice's token, checked
    // meanwhile, still passes against the key set in hand (as it would without the cache) but must not be kept.
    keys.delete('a');
    await addKey('b');
    jwksDelayMs = 100;
    const refetch = auth.verify(await mint('b', 'bob'));
    await new Promise((resolve) => setTimeout(resolve, 30)); // the refetch is under way
    await expect(auth.verify(token)).resolves.toMatchObject({ userId: 'alice' });
    await expect(refetch).resolves.toMatchObject({ userId: 'bob' });
    await expect(auth.verify(token)).rejects.toMatchObject({
      code: 'invalid-token',
      message: 'the token was signed by an unknown key',
    });
  });
});
