import { SignJWT, UnsecuredJWT, base64url, importJWK } from 'jose';
import type { JWK } from 'jose';
import { createHmac } from 'node:crypto';
import * as oidc from 'openid-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  MOBILE_CLIENT_ID,
  MOBILE_REDIRECT_URI,
  startApiTrusting,
  startAuthServer,
} from './support/auth-test-server.ts';
import type { AuthTestServer } from './support/auth-test-server.ts';
import { BrowserSession } from './support/browser-session.ts';
import { browserLogin, discoverAsMobileApp, exchangeCode } from './support/native-app-login.ts';
import { BACKENDS } from './support/test-database.ts';
import type { TestDatabase } from './support/test-database.ts';
import { jsonRequest } from './support/test-runtime.ts';
import type { TestRuntime } from './support/test-runtime.ts';

const EMAIL = 'victim@example.com';
const PASSWORD = 'a perfectly fine passphrase';

describe.each(BACKENDS)('auth attack suite on $name', (backend) => {
  let auth: AuthTestServer;
  let api: TestRuntime;
  let apiDatabase: TestDatabase;
  let config: oidc.Configuration;
  let userId: string;

  beforeAll(async () => {
    // Throttle delays far longer than the suite runs, so the counts below do not depend on timing.
    auth = await startAuthServer(
      {
        tokens: { reuseGraceSeconds: 5 },
        throttle: { baseDelaySeconds: 60, maxDelaySeconds: 900 },
      },
      backend,
    );
    userId = await auth.createUser(EMAIL, PASSWORD);
    apiDatabase = await backend.create();
    api = await startApiTrusting(auth, apiDatabase);
    config = await discoverAsMobileApp(auth.url);
  });
  afterAll(async () => {
    await api?.stop();
    await apiDatabase?.drop();
    await auth?.stop();
  });

  async function signIn(): Promise<{ access_token: string; refresh_token: string }> {
    return exchangeCode(config, await browserLogin(config, { email: EMAIL, password: PASSWORD })) as Promise<{
      access_token: string;
      refresh_token: string;
    }>;
  }

  async function documentCount(): Promise<number> {
    const { rows } = await api.runtime.database.query<{ n: string }>('SELECT count(*) AS n FROM mp_documents');
    return Number(rows[0]!.n);
  }

  describe('forged and invalid access tokens', () => {
    let valid: string;
    let forge: (claims: Record<string, unknown>) => Promise<string>;

    beforeAll(async () => {
      valid = (await signIn()).access_token;
      const key = auth.component.services.keys.signingKey();
      const privateKey = await importJWK(key.privateJwk as JWK, 'ES256');
      const base = JSON.parse(Buffer.from(valid.split('.')[1]!, 'base64url').toString()) as Record<string, unknown>;
      forge = (claims) =>
        new SignJWT({ ...base, ...claims })
          .setProtectedHeader({ alg: 'ES256', kid: key.kid, typ: 'at+jwt' })
          .sign(privateKey);
    });

    const now = () => Math.floor(Date.now() / 1000);
    const cases: [string, () => Promise<string>][] = [
      [
        'alg none',
        async () =>
          new UnsecuredJWT(
            JSON.parse(Buffer.from(valid.split('.')[1]!, 'base64url').toString()) as Record<string, unknown>,
          ).encode(),
      ],
      [
        'HS256 signed with the public key',
        async () => {
          const jwks = (await (await fetch(`${auth.url}/jwks`)).json()) as { keys: JWK[] };
          const header = base64url.encode(JSON.stringify({ alg: 'HS256', kid: jwks.keys[0]!.kid, typ: 'at+jwt' }));
          const body = valid.split('.')[1]!;
          const mac = createHmac('sha256', JSON.stringify(jwks.keys[0]))
            .update(`${header}.${body}`)
            .digest('base64url');
          return `${header}.${body}.${mac}`;
        },
      ],
      ['expired', () => forge({ exp: now() - 60, iat: now() - 1000 })],
      ['not yet valid', () => forge({ nbf: now() + 600 })],
      ['wrong aud', () => forge({ aud: 'someone-else' })],
      ['wrong iss', () => forge({ iss: 'https://evil.example' })],
      [
        'tampered payload',
        async () => {
          const [h, p, s] = valid.split('.');
          const claims = JSON.parse(Buffer.from(p!, 'base64url').toString()) as Record<string, unknown>;
          return `${h}.${base64url.encode(JSON.stringify({ ...claims, roles: ['admin'] }))}.${s}`;
        },
      ],
    ];

    it.each(cases)('%s: 401 at the api and at the auth component, nothing written', async (_name, make) => {
      const token = await make();
      const before = await documentCount();
      const write = await fetch(
        `${api.url}/v1/collections/todos/documents`,
        jsonRequest('POST', { title: 'x' }, { authorization: `Bearer ${token}` }),
      );
      expect(write.status).toBe(401);
      expect(((await write.json()) as { type: string }).type).toMatch(/invalid-token$/);
      expect(await documentCount()).toBe(before);
      const me = await fetch(`${auth.url}/v1/auth/me`, { headers: { authorization: `Bearer ${token}` } });
      expect(me.status).toBe(401);
    });

    it('the genuine token still works (the cases above can pass only by refusal)', async () => {
      const write = await fetch(
        `${api.url}/v1/collections/todos/documents`,
        jsonRequest('POST', { title: 'ok' }, { authorization: `Bearer ${valid}` }),
      );
      expect(write.status).toBe(201);
      expect((await fetch(`${auth.url}/v1/auth/me`, { headers: { authorization: `Bearer ${valid}` } })).status).toBe(
        200,
      );
    });
  });

  describe('refresh-token rotation', () => {
    it('reuse of a rotated token after the grace revokes the whole family; the holder must sign in again', async () => {
      const first = await signIn();
      const second = await oidc.refreshTokenGrant(config, first.refresh_token);
      auth.clock.advance(6_000);
      await expect(oidc.refreshTokenGrant(config, first.refresh_token)).rejects.toMatchObject({
        error: 'invalid_grant',
      });
      // The legitimate holder's current token is dead too.
      await expect(oidc.refreshTokenGrant(config, second.refresh_token!)).rejects.toMatchObject({
        error: 'invalid_grant',
      });
      const me = await fetch(`${auth.url}/v1/auth/me`, { headers: { authorization: `Bearer ${second.access_token}` } });
      expect(me.status).toBe(401);
      expect(auth.logLines.some((l) => l.includes('"event":"refresh-token-reused"'))).toBe(true);
      const metrics = await auth.metrics.registry.metrics();
      expect(metrics).toMatch(/auth_security_events_total\{event="refresh-token-reused"\} [1-9]/);
      // Signing in again works.
      expect((await signIn()).refresh_token).toMatch(/^mprt_/);
    });

    it('a retry with the immediate parent inside the grace gets the active token back, and the family lives', async () => {
      const first = await signIn();
      const second = await oidc.refreshTokenGrant(config, first.refresh_token);
      auth.clock.advance(4_000);
      const retried = await oidc.refreshTokenGrant(config, first.refresh_token);
      expect(retried.refresh_token).toBe(second.refresh_token);
      const third = await oidc.refreshTokenGrant(config, second.refresh_token!);
      expect(third.refresh_token).not.toBe(second.refresh_token);
      // The grandparent inside the grace is reuse.
      await expect(oidc.refreshTokenGrant(config, first.refresh_token)).rejects.toMatchObject({
        error: 'invalid_grant',
      });
      await expect(oidc.refreshTokenGrant(config, third.refresh_token!)).rejects.toMatchObject({
        error: 'invalid_grant',
      });
    });

    it('parallel refreshes with the same token (a flaky network) both succeed with the same new token', async () => {
      const first = await signIn();
      const [a, b] = await Promise.all([
        oidc.refreshTokenGrant(config, first.refresh_token),
        oidc.refreshTokenGrant(config, first.refresh_token),
      ]);
      expect(a.refresh_token).toBe(b.refresh_token);
      expect((await oidc.refreshTokenGrant(config, a.refresh_token!)).refresh_token).toMatch(/^mprt_/);
    });

    it('stores refresh tokens only as hashes', async () => {
      const { refresh_token } = await signIn();
      const { rows } = await auth.db.query<{ dump: string }>(
        'SELECT string_agg(encode(token_hash, $$escape$$) || coalesce(child_sealed, $$$$), $$,$$) AS dump FROM auth_refresh_tokens',
      );
      expect(rows[0]!.dump).not.toContain(refresh_token);
      expect(rows[0]!.dump).not.toContain(refresh_token.slice(5));
    });
  });

  describe('authorization request and code exchange', () => {
    async function authorize(params: Record<string, string>): Promise<Response> {
      const url = new URL(`${auth.url}/auth`);
      for (const [k, v] of Object.entries({
        client_id: MOBILE_CLIENT_ID,
        response_type: 'code',
        scope: 'openid',
        redirect_uri: MOBILE_REDIRECT_URI,
        state: 'st',
        ...params,
      }))
        if (v !== '') url.searchParams.set(k, v);
      return new BrowserSession().request(url.href);
    }
    const challenge = 'E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM';

    it('refuses a request without PKCE, with plain, and implicit/hybrid response types', async () => {
      const requests: Record<string, string>[] = [
        { code_challenge: '' },
        { code_challenge: 'abc'.repeat(15), code_challenge_method: 'plain' },
        { code_challenge: challenge, code_challenge_method: 'S256', response_type: 'token' },
        { code_challenge: challenge, code_challenge_method: 'S256', response_type: 'code id_token', nonce: 'n' },
      ];
      for (const params of requests) {
        const response = await authorize(params);
        const location = response.headers.get('location') ?? '';
        expect(response.status === 303 || response.status === 302 || response.status === 400).toBe(true);
        if (location !== '') {
          expect(location).toMatch(/error=(invalid_request|unsupported_response_type)/);
          expect(location).not.toContain('code=');
        }
      }
      // Control: the same request with S256 reaches the login page.
      const ok = await authorize({ code_challenge: challenge, code_challenge_method: 'S256' });
      expect(ok.headers.get('location')).toMatch(/^\/interaction\//);
    });

    it.each([
      ['another host', 'https://evil.example/cb'],
      ['a path extension', `${MOBILE_REDIRECT_URI}/evil`],
      ['a scheme look-alike', 'io.mobileplane.demo.evil:/oauth2redirect'],
      ['an added query', `${MOBILE_REDIRECT_URI}?next=https://evil.example`],
      ['https prefix', 'https://app.example.com/oauth.evil.example'],
      ['dot-segments', 'https://app.example.com/oauth/../../evil'],
    ])('never redirects to an unregistered redirect_uri (%s)', async (_name, redirectUri) => {
      const response = await authorize({
        redirect_uri: redirectUri,
        code_challenge: challenge,
        code_challenge_method: 'S256',
      });
      expect(response.status).toBe(400);
      expect(response.headers.get('location')).toBeNull();
      expect(await response.text()).not.toContain('evil');
    });

    it('refuses a wrong verifier, a missing verifier and a replayed code', async () => {
      const login = await browserLogin(config, { email: EMAIL, password: PASSWORD });
      const code = new URL(login.callback!).searchParams.get('code')!;
      const exchange = (verifier: string | undefined) =>
        fetch(`${auth.url}/token`, {
          method: 'POST',
          headers: { 'content-type': 'application/x-www-form-urlencoded' },
          body: new URLSearchParams({
            grant_type: 'authorization_code',
            client_id: MOBILE_CLIENT_ID,
            code,
            redirect_uri: MOBILE_REDIRECT_URI,
            ...(verifier === undefined ? {} : { code_verifier: verifier }),
          }),
        });
      const wrong = await exchange(oidc.randomPKCECodeVerifier());
      expect(wrong.status).toBe(400);
      expect(((await wrong.json()) as { error: string }).error).toBe('invalid_grant');
      const missing = await exchange(undefined);
      expect(missing.status).toBe(400);
      const sessionsBefore = await auth.db.query<{ n: string }>(
        'SELECT count(*) AS n FROM auth_sessions WHERE user_id = $1',
        [userId],
      );
      // Codes are single-use: after failed attempts (consumed or not) no tokens were issued for it.
      const right = await exchange(login.codeVerifier);
      const replay = await exchange(login.codeVerifier);
      expect(replay.status).toBe(400);
      const sessionsAfter = await auth.db.query<{ n: string }>(
        'SELECT count(*) AS n FROM auth_sessions WHERE user_id = $1',
        [userId],
      );
      expect(Number(sessionsAfter.rows[0]!.n) - Number(sessionsBefore.rows[0]!.n)).toBe(right.status === 200 ? 1 : 0);
    });

    it('has no password grant and no implicit grant at the token endpoint', async () => {
      const response = await fetch(`${auth.url}/token`, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams({
          grant_type: 'password',
          client_id: MOBILE_CLIENT_ID,
          username: EMAIL,
          password: PASSWORD,
        }),
      });
      expect(response.status).toBe(400);
      expect(((await response.json()) as { error: string }).error).toBe('unsupported_grant_type');
    });
  });

  describe('password guessing', () => {
    it('1,000 wrong passwords for one account from many IPs: throttled with 429, account unharmed', async () => {
      const email = 'target@example.com';
      const password = 'the real passphrase 123';
      const id = await auth.createUser(email, password);
      const hashBefore = (await auth.component.services.accounts.byId(id))!.passwordHash;
      const device = { installationId: 'attacker-device-01', name: 'x', platform: 'other' };
      const attempt = (i: number, pw: string) =>
        fetch(
          `${auth.url}/v1/auth/sign-in`,
          jsonRequest(
            'POST',
            { client_id: MOBILE_CLIENT_ID, email, password: pw, device },
            { 'x-forwarded-for': `198.51.${(i >> 8) & 255}.${i & 255}` },
          ),
        );
      const statuses: number[] = [];
      for (let batch = 0; batch < 1000; batch += 25) {
        const responses = await Promise.all(
          Array.from({ length: 25 }, (_, j) => attempt(batch + j, `wrong guess ${batch + j}`)),
        );
        for (const r of responses) {
          statuses.push(r.status);
          const body = (await r.json()) as { type: string; detail: string };
          expect(body.detail).not.toContain(email);
          if (r.status === 429) expect(Number(r.headers.get('retry-after'))).toBeGreaterThan(0);
        }
      }
      const count = (s: number) => statuses.filter((x) => x === s).length;
      expect(count(401)).toBeLessThanOrEqual(5);
      expect(count(429)).toBeGreaterThanOrEqual(995);
      expect(count(401) + count(429)).toBe(1000);
      // Even the right password is refused while throttled (no oracle), and nothing about the account changed.
      expect((await attempt(5000, password)).status).toBe(429);
      expect((await auth.component.services.accounts.byId(id))!.passwordHash).toBe(hashBefore);
      const sessions = await auth.db.query<{ n: string }>(
        'SELECT count(*) AS n FROM auth_sessions WHERE user_id = $1',
        [id],
      );
      expect(Number(sessions.rows[0]!.n)).toBe(0);
      // The delay is temporary: once it has passed, the owner signs in.
      auth.clock.advance(901_000);
      expect((await attempt(5001, password)).status).toBe(200);
    });

    it('an unknown account and a wrong password look the same', async () => {
      const device = { installationId: 'probe-device-0001', name: 'x', platform: 'other' };
      const a = await fetch(
        `${auth.url}/v1/auth/sign-in`,
        jsonRequest(
          'POST',
          { client_id: MOBILE_CLIENT_ID, email: EMAIL, password: 'nope nope nope', device },
          { 'x-forwarded-for': '203.0.113.7' },
        ),
      );
      const b = await fetch(
        `${auth.url}/v1/auth/sign-in`,
        jsonRequest(
          'POST',
          { client_id: MOBILE_CLIENT_ID, email: 'nobody@example.com', password: 'nope nope nope', device },
          { 'x-forwarded-for': '203.0.113.8' },
        ),
      );
      expect(a.status).toBe(401);
      expect(b.status).toBe(401);
      const [ja, jb] = [(await a.json()) as Record<string, unknown>, (await b.json()) as Record<string, unknown>];
      expect({ ...ja, instance: undefined }).toEqual({ ...jb, instance: undefined });
    });
  });
});
