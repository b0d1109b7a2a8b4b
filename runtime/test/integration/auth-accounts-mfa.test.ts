import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { totpCode } from '../../src/auth/mfa/totp-policy.ts';
import { MOBILE_CLIENT_ID, startAuthServer } from './support/auth-test-server.ts';
import type { AuthTestServer } from './support/auth-test-server.ts';
import { BACKENDS } from './support/test-database.ts';
import { browserLogin, discoverAsMobileApp, exchangeCode } from './support/native-app-login.ts';
import { jsonRequest } from './support/test-runtime.ts';

const device = { installationId: 'accounts-device-01', name: 'Pixel', platform: 'android' };

describe.each(BACKENDS)('first-party accounts, MFA, step-up and RBAC on $name', (backend) => {
  let auth: AuthTestServer;
  const post = (path: string, body: unknown, token?: string) =>
    fetch(
      `${auth.url}${path}`,
      jsonRequest('POST', body, token === undefined ? {} : { authorization: `Bearer ${token}` }),
    );
  const outbox = (email: string) => auth.component.services.outbox.pending(email);

  beforeAll(async () => {
    auth = await startAuthServer({}, backend);
  });
  afterAll(async () => {
    await auth?.stop();
  });

  it('sign-up, verification, sign-in; responses never reveal whether an address has an account', async () => {
    const email = 'dana@example.com';
    const signUp = await post('/v1/auth/sign-up', { email, password: 'she likes long passwords' });
    expect(signUp.status).toBe(202);
    const again = await post('/v1/auth/sign-up', { email, password: 'another long password' });
    expect(again.status).toBe(202);
    expect(await again.json()).toEqual(await signUp.json());
    expect((await outbox(email)).map((m) => m.kind)).toEqual(['verify-email', 'account-exists']);

    const unverified = await post('/v1/auth/sign-in', {
      client_id: MOBILE_CLIENT_ID,
      email,
      password: 'she likes long passwords',
      device,
    });
    expect(unverified.status).toBe(403);
    const token = (await outbox(email))[0]!.payload['token'] as string;
    expect((await post('/v1/auth/email/verify', { token })).status).toBe(204);
    expect((await post('/v1/auth/email/verify', { token })).status).toBe(400); // single use
    const signIn = await post('/v1/auth/sign-in', {
      client_id: MOBILE_CLIENT_ID,
      email,
      password: 'she likes long passwords',
      device,
    });
    expect(signIn.status).toBe(200);
    expect(await signIn.json()).toMatchObject({
      token_type: 'Bearer',
      expires_in: 900,
      refresh_token: expect.stringMatching(/^mprt_/),
    });

    const weak = await post('/v1/auth/sign-up', { email: 'eve@example.com', password: 'short' });
    expect(weak.status).toBe(422);
    const thirdParty = await post('/v1/auth/sign-in', { client_id: 'not-registered', email, password: 'x', device });
    expect(thirdParty.status).toBe(400);
  });

  it('password reset: same answer for unknown addresses; the link works once and ends every session', async () => {
    const email = 'frank@example.com';
    await auth.createUser(email, 'frank original password');
    const session = (await (
      await post('/v1/auth/sign-in', {
        client_id: MOBILE_CLIENT_ID,
        email,
        password: 'frank original password',
        device,
      })
    ).json()) as { access_token: string };
    const known = await post('/v1/auth/password/forgot', { email });
    const unknown = await post('/v1/auth/password/forgot', { email: 'ghost@example.com' });
    expect([known.status, unknown.status]).toEqual([202, 202]);
    expect(await known.json()).toEqual(await unknown.json());
    expect(await outbox('ghost@example.com')).toEqual([]);
    const token = (await outbox(email)).find((m) => m.kind === 'reset-password')!.payload['token'] as string;
    expect((await post('/v1/auth/password/reset', { token, password: 'frank brand new password' })).status).toBe(204);
    expect((await post('/v1/auth/password/reset', { token, password: 'frank third password!!' })).status).toBe(400);
    expect(
      (await fetch(`${auth.url}/v1/auth/me`, { headers: { authorization: `Bearer ${session.access_token}` } })).status,
    ).toBe(401);
    expect(
      (
        await post('/v1/auth/sign-in', {
          client_id: MOBILE_CLIENT_ID,
          email,
          password: 'frank original password',
          device,
        })
      ).status,
    ).toBe(401);
    expect(
      (
        await post('/v1/auth/sign-in', {
          client_id: MOBILE_CLIENT_ID,
          email,
          password: 'frank brand new password',
          device,
        })
      ).status,
    ).toBe(200);
  });

  it('TOTP: enrol, sign in with a second step, no replay, recovery codes, step-up for sensitive actions', async () => {
    const email = 'grace@example.com';
    const password = 'grace hopper compiles';
    await auth.createUser(email, password);
    const first = (await (
      await post('/v1/auth/sign-in', { client_id: MOBILE_CLIENT_ID, email, password, device })
    ).json()) as { access_token: string };
    const enrol = await post('/v1/auth/mfa/totp', {}, first.access_token);
    expect(enrol.status).toBe(201);
    const { secret, otpauth_uri } = (await enrol.json()) as { secret: string; otpauth_uri: string };
    expect(otpauth_uri).toMatch(/^otpauth:\/\/totp\//);
    expect((await post('/v1/auth/mfa/totp/confirm', { code: '000000' }, first.access_token)).status).toBe(401);
    const confirm = await post(
      '/v1/auth/mfa/totp/confirm',
      { code: totpCode(secret, auth.clock.now()) },
      first.access_token,
    );
    expect(confirm.status).toBe(200);
    const { recovery_codes } = (await confirm.json()) as { recovery_codes: string[] };
    expect(recovery_codes).toHaveLength(10);

    // Password alone is no longer enough.
    const step1 = await post('/v1/auth/sign-in', { client_id: MOBILE_CLIENT_ID, email, password, device });
    expect(step1.status).toBe(401);
    const { type, mfa_token } = (await step1.json()) as { type: string; mfa_token: string };
    expect(type).toMatch(/mfa-required$/);
    auth.clock.advance(30_000); // the confirmation used the current step
    const code = totpCode(secret, auth.clock.now());
    const step2 = await post('/v1/auth/sign-in/mfa', { client_id: MOBILE_CLIENT_ID, mfa_token, code, device });
    expect(step2.status).toBe(200);
    const mfaTokens = (await step2.json()) as { access_token: string };
    const claims = JSON.parse(Buffer.from(mfaTokens.access_token.split('.')[1]!, 'base64url').toString()) as {
      amr: string[];
      acr: string;
    };
    expect(claims).toMatchObject({ amr: ['pwd', 'otp'], acr: 'urn:mobileplane:acr:mfa' });
    // The same code again is refused (RFC 6238 §5.2).
    expect((await post('/v1/auth/sign-in/mfa', { client_id: MOBILE_CLIENT_ID, mfa_token, code, device })).status).toBe(
      401,
    );
    // A recovery code works once.
    const withRecovery = await post('/v1/auth/sign-in/mfa', {
      client_id: MOBILE_CLIENT_ID,
      mfa_token,
      recovery_code: recovery_codes[0],
      device,
    });
    expect(withRecovery.status).toBe(200);
    expect(
      (
        await post('/v1/auth/sign-in/mfa', {
          client_id: MOBILE_CLIENT_ID,
          mfa_token,
          recovery_code: recovery_codes[0],
          device,
        })
      ).status,
    ).toBe(401);

    // Step-up: removing MFA needs a recent second factor; a password-era token gets an RFC 9470 challenge.
    const del = (token: string) =>
      fetch(`${auth.url}/v1/auth/mfa/totp`, { method: 'DELETE', headers: { authorization: `Bearer ${token}` } });
    const challenged = await del(first.access_token);
    expect(challenged.status).toBe(401);
    expect(challenged.headers.get('www-authenticate')).toContain('insufficient_user_authentication');
    auth.clock.advance(30_000);
    const stepUp = await post('/v1/auth/step-up', { code: totpCode(secret, auth.clock.now()) }, first.access_token);
    expect(stepUp.status).toBe(200);
    const elevated = ((await stepUp.json()) as { access_token: string }).access_token;
    expect((await del(elevated)).status).toBe(204);
    expect(auth.logLines.filter((l) => /"event":"(mfa-enrolled|step-up|mfa-disabled)"/.test(l))).toHaveLength(3);
    // Secrets of MFA never reach the logs.
    for (const line of auth.logLines) {
      expect(line).not.toContain(secret);
      for (const recovery of recovery_codes) expect(line).not.toContain(recovery);
    }
  });

  it('the login page asks for the second factor when one is enrolled', async () => {
    const email = 'heidi@example.com';
    const password = 'heidi climbs mountains';
    await auth.createUser(email, password);
    const { access_token } = (await (
      await post('/v1/auth/sign-in', { client_id: MOBILE_CLIENT_ID, email, password, device })
    ).json()) as { access_token: string };
    const { secret } = (await (await post('/v1/auth/mfa/totp', {}, access_token)).json()) as { secret: string };
    await post('/v1/auth/mfa/totp/confirm', { code: totpCode(secret, auth.clock.now()) }, access_token);
    auth.clock.advance(30_000);
    const config = await discoverAsMobileApp(auth.url);
    const login = await browserLogin(config, { email, password, totp: () => totpCode(secret, auth.clock.now()) });
    const tokens = await exchangeCode(config, login);
    const claims = JSON.parse(Buffer.from(tokens.access_token.split('.')[1]!, 'base64url').toString()) as {
      amr: string[];
    };
    expect(claims.amr).toEqual(['pwd', 'otp']);
  });

  it('roles: only admins assign them (with step-up); they appear in the next access token', async () => {
    const adminId = await auth.createUser('admin@example.com', 'admin password 12345', ['admin']);
    const userId = await auth.createUser('ivan@example.com', 'ivan password 12345');
    const signIn = async (email: string, password: string) =>
      (await (await post('/v1/auth/sign-in', { client_id: MOBILE_CLIENT_ID, email, password, device })).json()) as {
        access_token: string;
        refresh_token: string;
      };
    const admin = await signIn('admin@example.com', 'admin password 12345');
    const ivan = await signIn('ivan@example.com', 'ivan password 12345');
    const put = (id: string, token: string, roles: string[]) =>
      fetch(`${auth.url}/v1/auth/users/${id}/roles`, {
        method: 'PUT',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
        body: JSON.stringify({ roles }),
      });
    expect((await put(adminId, ivan.access_token, ['admin'])).status).toBe(403);
    expect((await put(userId, admin.access_token, ['editor'])).status).toBe(200); // admin without MFA, fresh sign-in
    const refreshed = await fetch(`${auth.url}/token`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({
        grant_type: 'refresh_token',
        client_id: MOBILE_CLIENT_ID,
        refresh_token: ivan.refresh_token,
      }),
    });
    const access = ((await refreshed.json()) as { access_token: string }).access_token;
    expect(JSON.parse(Buffer.from(access.split('.')[1]!, 'base64url').toString())).toMatchObject({ roles: ['editor'] });
    auth.clock.advance(600_000); // the admin's sign-in is no longer recent
    expect((await put(userId, admin.access_token, [])).status).toBe(401);
  });
});
