import { Router } from 'express';
import type { Response } from 'express';
import * as oidc from 'openid-client';
import type { AuthServices } from '../auth-services.ts';
import type { UpstreamProviderSettings } from '../auth-config.ts';
import type { LoginCompletion } from '../authorization-server/login-completion.ts';
import { LOGIN_PAGE_HEADERS, renderErrorPage } from '../authorization-server/login-page.ts';
import type { OidcProviderHost } from '../authorization-server/oidc-provider-host.ts';
import { hashToken } from '../crypto/opaque-token.ts';
import { clientIp, handle } from '../http/request-helpers.ts';
import { linkUpstreamIdentity } from './upstream-linking.ts';

const STATE_TTL_MS = 10 * 60 * 1000;

/**
 * "Continue with Google / Apple / your company": openid-client as a relying party of the upstream provider
 * (authorization code + PKCE S256 + state + nonce), then the upstream identity is linked to a local account and
 * the interaction finishes like a password sign-in, with `amr: ['fed']`. The state row is bound to the browser's
 * interaction cookie, so a callback cannot be replayed into someone else's sign-in.
 */
export function upstreamRouter(services: AuthServices, host: OidcProviderHost, finish: LoginCompletion): Router {
  const { config, db, clock, audit } = services;
  const router = Router();
  const discovered = new Map<string, Promise<oidc.Configuration>>();

  function settings(name: string): UpstreamProviderSettings | undefined {
    return config.upstream.find((p) => p.name === name);
  }

  function configuration(provider: UpstreamProviderSettings): Promise<oidc.Configuration> {
    let pending = discovered.get(provider.name);
    if (pending === undefined) {
      const secret = provider.clientSecretEnv === undefined ? undefined : process.env[provider.clientSecretEnv];
      pending = oidc.discovery(
        new URL(provider.issuer),
        provider.clientId,
        secret,
        secret === undefined ? oidc.None() : oidc.ClientSecretBasic(secret),
        provider.allowInsecureRequests ? { execute: [oidc.allowInsecureRequests] } : undefined,
      );
      pending.catch(() => discovered.delete(provider.name));
      discovered.set(provider.name, pending);
    }
    return pending;
  }

  const callbackUrl = (name: string) => `${config.issuer.replace(/\/$/, '')}/upstream/${name}/callback`;
  const fail = (res: Response, status: number, message: string) => {
    res.status(status);
    for (const [header, value] of Object.entries(LOGIN_PAGE_HEADERS)) res.setHeader(header, value);
    res.end(renderErrorPage('Sign-in failed', message));
  };

  router.get(
    '/interaction/:uid/upstream/:name',
    handle(async (req, res) => {
      const provider = settings(String(req.params['name']));
      if (provider === undefined) return fail(res, 404, 'Unknown sign-in provider.');
      const interaction = await host
        .provider()
        .interactionDetails(req, res)
        .catch(() => undefined);
      if (interaction === undefined)
        return fail(res, 400, 'This sign-in attempt is no longer valid. Return to the app and start again.');
      const upstream = await configuration(provider);
      const state = oidc.randomState();
      const nonce = oidc.randomNonce();
      const codeVerifier = oidc.randomPKCECodeVerifier();
      await db.query(
        `INSERT INTO auth_upstream_states (state_hash, provider, interaction_uid, code_verifier, nonce, expires_at)
       VALUES ($1, $2, $3, $4, $5, $6)`,
        [hashToken(state), provider.name, interaction.uid, codeVerifier, nonce, new Date(clock.now() + STATE_TTL_MS)],
      );
      const url = oidc.buildAuthorizationUrl(upstream, {
        redirect_uri: callbackUrl(provider.name),
        scope: provider.scopes.join(' '),
        code_challenge: await oidc.calculatePKCECodeChallenge(codeVerifier),
        code_challenge_method: 'S256',
        state,
        nonce,
      });
      res.redirect(303, url.href);
    }),
  );

  router.get(
    '/upstream/:name/callback',
    handle(async (req, res) => {
      const provider = settings(String(req.params['name']));
      const state = typeof req.query['state'] === 'string' ? req.query['state'] : '';
      if (provider === undefined || state === '') return fail(res, 400, 'The sign-in response is invalid.');
      const { rows } = await db.query<{ interaction_uid: string; code_verifier: string; nonce: string }>(
        `DELETE FROM auth_upstream_states WHERE state_hash = $1 AND provider = $2 AND expires_at > $3
       RETURNING interaction_uid, code_verifier, nonce`,
        [hashToken(state), provider.name, new Date(clock.now())],
      );
      const pending = rows[0];
      const interaction = await host
        .provider()
        .interactionDetails(req, res)
        .catch(() => undefined);
      if (pending === undefined || interaction === undefined || interaction.uid !== pending.interaction_uid)
        return fail(res, 400, 'This sign-in attempt is no longer valid. Return to the app and start again.');
      let claims: (oidc.IDToken & Record<string, unknown>) | undefined;
      try {
        const currentUrl = new URL(req.originalUrl, config.issuer);
        const tokens = await oidc.authorizationCodeGrant(await configuration(provider), currentUrl, {
          pkceCodeVerifier: pending.code_verifier,
          expectedState: state,
          expectedNonce: pending.nonce,
          idTokenExpected: true,
        });
        const idToken = tokens.claims();
        // OIDC Core §5.4: with an access token, profile claims may live only at userinfo (bound to the same sub).
        if (idToken !== undefined && idToken['email'] === undefined) {
          const userinfo = await oidc.fetchUserInfo(await configuration(provider), tokens.access_token, idToken.sub);
          claims = { ...userinfo, ...idToken };
        } else claims = idToken;
      } catch (error) {
        services.logger.warn({ provider: provider.name, error: (error as Error).name }, 'upstream sign-in failed');
      }
      if (claims === undefined) return fail(res, 502, `${provider.displayName} did not confirm the sign-in.`);
      const account = await linkUpstreamIdentity(services, provider.name, claims);
      if (account === undefined)
        return fail(res, 409, 'An account with this email exists; sign in with your password first.');
      audit.record('sign-in-succeeded', {
        userId: account.id,
        ip: clientIp(req),
        method: 'fed',
        provider: provider.name,
      });
      await finish(req, res, account, ['fed']);
    }),
  );

  return router;
}
