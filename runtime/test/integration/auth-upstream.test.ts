import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { generateKeyPair, exportJWK } from 'jose';
import Provider from 'oidc-provider';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startAuthServer } from './support/auth-test-server.ts';
import type { AuthTestServer } from './support/auth-test-server.ts';
import { BACKENDS } from './support/test-database.ts';
import { BrowserSession } from './support/browser-session.ts';
import { discoverAsMobileApp, exchangeCode } from './support/native-app-login.ts';
import * as oidc from 'openid-client';
import { MOBILE_REDIRECT_URI } from './support/auth-test-server.ts';

/**
 * A real upstream OpenID provider (oidc-provider) for "Continue with Corp": its interaction signs in the one
 * account the test names, so the test drives the real protocol on both legs.
 */
async function startUpstream(account: { sub: string; email: string; emailVerified: boolean }) {
  let callback: ((req: IncomingMessage, res: ServerResponse) => void) | undefined;
  let provider: Provider | undefined;
  const server: Server = createServer((req, res) => {
    void (async () => {
      if (provider === undefined || callback === undefined) {
        res.statusCode = 503;
        res.end();
      } else if (req.url?.startsWith('/interaction/')) {
        const details = await provider.interactionDetails(req, res);
        const grant = new provider.Grant({ accountId: account.sub, clientId: String(details.params['client_id']) });
        grant.addOIDCScope(String(details.params['scope']));
        await provider.interactionFinished(req, res, {
          login: { accountId: account.sub },
          consent: { grantId: await grant.save() },
        });
      } else callback(req, res);
    })();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const issuer = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const { privateKey } = await generateKeyPair('ES256', { extractable: true });
  const privateJwk = { ...(await exportJWK(privateKey)), alg: 'ES256', use: 'sig', kid: 'up1' };
  return {
    issuer,
    /** Registers the relying party (our auth component) once its callback URL is known. */
    register(clientId: string, clientSecret: string, redirectUri: string) {
      provider = new Provider(issuer, {
        clients: [
          {
            client_id: clientId,
            client_secret: clientSecret,
            redirect_uris: [redirectUri],
            id_token_signed_response_alg: 'ES256',
          },
        ],
        jwks: { keys: [privateJwk as never] },
        findAccount: async (_ctx, sub) => ({
          accountId: sub,
          claims: () => ({ sub, email: account.email, email_verified: account.emailVerified, name: 'Corp User' }),
        }),
        claims: { openid: ['sub'], email: ['email', 'email_verified'], profile: ['name'] },
        features: { devInteractions: { enabled: false } },
        interactions: { url: (_ctx, interaction) => `/interaction/${interaction.uid}` },
        cookies: { keys: ['upstream-cookie-key-for-tests-only-000'] },
      });
      callback = provider.callback();
    },
    stop: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

const SECRET = 'upstream-client-secret-for-tests-0001';

describe.each(BACKENDS)(
  'upstream identity provider (openid-client against a real oidc-provider) on $name',
  (backend) => {
    let auth: AuthTestServer;
    let upstream: Awaited<ReturnType<typeof startUpstream>>;

    beforeAll(async () => {
      process.env['UPSTREAM_TEST_SECRET'] = SECRET;
      upstream = await startUpstream({ sub: 'corp-user-42', email: 'carol@corp.example', emailVerified: true });
      auth = await startAuthServer(
        {
          upstream: [
            {
              name: 'corp',
              displayName: 'Corp SSO',
              issuer: upstream.issuer,
              clientId: 'mobileplane',
              clientSecretEnv: 'UPSTREAM_TEST_SECRET',
              allowInsecureRequests: true,
            },
          ],
        },
        backend,
      );
      upstream.register('mobileplane', SECRET, `${auth.url}/upstream/corp/callback`);
    });
    afterAll(async () => {
      await auth?.stop();
      await upstream?.stop();
      delete process.env['UPSTREAM_TEST_SECRET'];
    });

    it('links the upstream identity to a new local account and signs the app in with amr fed', async () => {
      const config = await discoverAsMobileApp(auth.url);
      const codeVerifier = oidc.randomPKCECodeVerifier();
      const state = oidc.randomState();
      const url = oidc.buildAuthorizationUrl(config, {
        redirect_uri: MOBILE_REDIRECT_URI,
        scope: 'openid email offline_access',
        code_challenge: await oidc.calculatePKCECodeChallenge(codeVerifier),
        code_challenge_method: 'S256',
        state,
      });
      const browser = new BrowserSession();
      const page = await browser.follow(url.href);
      const html = await page.response.text();
      expect(html).toContain('Continue with Corp SSO');
      const link = /href="(\/interaction\/[^"]+\/upstream\/corp)"/.exec(html)![1]!;
      const result = await browser.follow(new URL(link, page.url).href);
      expect(result.appRedirect).toMatch(/^io\.mobileplane\.demo:\/oauth2redirect\?code=/);
      const tokens = await exchangeCode(config, {
        browser,
        callback: result.appRedirect,
        page: result.response,
        codeVerifier,
        state,
      });
      const payload = JSON.parse(Buffer.from(tokens.access_token.split('.')[1]!, 'base64url').toString()) as {
        amr: string[];
        sub: string;
      };
      expect(payload.amr).toEqual(['fed']);
      const account = await auth.component.services.accounts.byId(payload.sub);
      expect(account).toMatchObject({ email: 'carol@corp.example', emailVerified: true, passwordHash: null });
      expect(await auth.component.services.accounts.findLinked('corp', 'corp-user-42')).toBe(payload.sub);
    });

    it('refuses a callback whose state was not issued to this browser', async () => {
      const browser = new BrowserSession();
      const response = await browser.request(`${auth.url}/upstream/corp/callback?code=abc&state=forged-state`);
      expect(response.status).toBe(400);
      expect(response.headers.get('location')).toBeNull();
    });
  },
);
