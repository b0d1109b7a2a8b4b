import * as oidc from 'openid-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startApiTrusting, startAuthServer, API_AUDIENCE, TEST_SECRETS } from './support/auth-test-server.ts';
import type { AuthTestServer } from './support/auth-test-server.ts';
import { browserLogin, discoverAsMobileApp, exchangeCode } from './support/native-app-login.ts';
import { BACKENDS } from './support/test-database.ts';
import { jsonRequest } from './support/test-runtime.ts';
import type { TestRuntime } from './support/test-runtime.ts';
import type { TestDatabase } from './support/test-database.ts';

const EMAIL = 'alice@example.com';
const PASSWORD = 'correct horse battery staple 42';

describe.each(BACKENDS)(
  'auth e2e on $name: a native app signs in with authorization code + PKCE and uses the api',
  (backend) => {
    let auth: AuthTestServer;
    let api: TestRuntime;
    let apiDatabase: TestDatabase;
    let config: oidc.Configuration;
    const secretsSeen: string[] = [
      PASSWORD,
      TEST_SECRETS.passwordPepper,
      TEST_SECRETS.encryptionKey,
      TEST_SECRETS.cookieSecret,
    ];

    beforeAll(async () => {
      auth = await startAuthServer({}, backend);
      await auth.createUser(EMAIL, PASSWORD, ['editor']);
      apiDatabase = await backend.create();
      api = await startApiTrusting(auth, apiDatabase);
      config = await discoverAsMobileApp(auth.url);
    });
    afterAll(async () => {
      await api?.stop();
      await apiDatabase?.drop();
      await auth?.stop();
    });

    it('signs in, calls the api, refreshes and signs out; no secret reaches a log line', async () => {
      // Discovery advertises code flow with S256 only.
      const metadata = config.serverMetadata();
      expect(metadata.response_types_supported).toEqual(['code']);
      expect(metadata.code_challenge_methods_supported).toEqual(['S256']);

      const login = await browserLogin(config, { email: EMAIL, password: PASSWORD });
      expect(login.callback).toMatch(/^io\.mobileplane\.demo:\/oauth2redirect\?code=/);
      const tokens = await exchangeCode(config, login);
      secretsSeen.push(
        tokens.access_token,
        tokens.refresh_token!,
        tokens.id_token!,
        login.codeVerifier,
        new URL(login.callback!).searchParams.get('code')!,
      );
      expect(tokens.refresh_token).toMatch(/^mprt_/);
      expect(tokens.expires_in).toBe(900);
      const claims = tokens.claims()!;
      expect(claims.sub).toMatch(/^[0-9a-f-]{36}$/);
      const [header, payload] = tokens.access_token
        .split('.')
        .slice(0, 2)
        .map((p) => JSON.parse(Buffer.from(p, 'base64url').toString()) as Record<string, unknown>);
      expect(header).toMatchObject({ alg: 'ES256', typ: 'at+jwt' });
      expect(payload).toMatchObject({
        iss: auth.url,
        aud: API_AUDIENCE,
        sub: claims.sub,
        roles: ['editor'],
        amr: ['pwd'],
        client_id: 'mobile-app',
      });

      // The api component trusts the token: create and read a document owned by the user; roles feed access rules.
      const created = await fetch(
        `${api.url}/v1/collections/todos/documents`,
        jsonRequest('POST', { title: 'buy milk' }, { authorization: `Bearer ${tokens.access_token}` }),
      );
      expect(created.status).toBe(201);
      const document = (await created.json()) as { id: string; owner: string };
      expect(document.owner).toBe(claims.sub);
      const board = await fetch(
        `${api.url}/v1/collections/board/documents`,
        jsonRequest('POST', { title: 'editors only' }, { authorization: `Bearer ${tokens.access_token}` }),
      );
      expect(board.status).toBe(201);

      // Userinfo answers for our access token.
      const userinfo = await oidc.fetchUserInfo(config, tokens.access_token, claims.sub);
      expect(userinfo.email).toBe(EMAIL);

      // Refresh: a new pair; the new access token works at the api.
      const refreshed = await oidc.refreshTokenGrant(config, tokens.refresh_token!);
      secretsSeen.push(refreshed.access_token, refreshed.refresh_token!);
      expect(refreshed.refresh_token).not.toBe(tokens.refresh_token);
      const read = await fetch(`${api.url}/v1/collections/todos/documents/${document.id}`, {
        headers: { authorization: `Bearer ${refreshed.access_token}` },
      });
      expect(read.status).toBe(200);

      // The device and the session are listed for the user.
      const devices = (await (
        await fetch(`${auth.url}/v1/auth/devices`, { headers: { authorization: `Bearer ${refreshed.access_token}` } })
      ).json()) as { items: { name: string; platform: string }[] };
      expect(devices.items).toEqual([expect.objectContaining({ name: 'Test phone', platform: 'ios' })]);

      // Sign out (RFC 7009 revocation of the refresh token): the session is over.
      await oidc.tokenRevocation(config, refreshed.refresh_token!);
      await expect(oidc.refreshTokenGrant(config, refreshed.refresh_token!)).rejects.toMatchObject({
        error: 'invalid_grant',
      });
      const me = await fetch(`${auth.url}/v1/auth/me`, {
        headers: { authorization: `Bearer ${refreshed.access_token}` },
      });
      expect(me.status).toBe(401);

      // Log scan: the component's and the api's log lines, raw.
      const apiLines = api.logs.map((l) => JSON.stringify(l));
      const lines = [...auth.logLines, ...apiLines];
      expect(lines.length).toBeGreaterThan(10);
      expect(auth.logLines.some((l) => l.includes('"event":"sign-in-succeeded"'))).toBe(true);
      for (const secret of secretsSeen)
        for (const line of lines)
          expect(line.includes(secret), `log line leaks a secret: ${line.slice(0, 200)}`).toBe(false);
      for (const line of lines) expect(line).not.toMatch(/mp(rt|ot|mc)_[A-Za-z0-9_-]{20,}|eyJ[A-Za-z0-9_-]{10,}\.eyJ/);
    });
  },
);
