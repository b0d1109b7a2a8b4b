import type { IncomingMessage, ServerResponse } from 'node:http';
import Provider from 'oidc-provider';
import type { Configuration, KoaContextWithOIDC } from 'oidc-provider';
import type { AuthServices } from '../auth-services.ts';
import { ACR_MFA, ACR_SINGLE_FACTOR } from '../tokens/access-token-claims.ts';
import { renderErrorPage, LOGIN_PAGE_HEADERS } from './login-page.ts';
import { oidcModelAdapter } from './oidc-model-adapter.ts';
import { installTokenEndpointHooks } from './token-endpoint-hooks.ts';

/** Parameters a native app may add to the authorization request to name the device it runs on. */
export const DEVICE_PARAMS = ['device_id', 'device_name', 'device_platform'] as const;

/**
 * oidc-provider, configured for native apps (RFC 8252, OAuth 2.0 Security BCP / RFC 9700): authorization code
 * only (no implicit, no hybrid, no password grant), PKCE S256 required for every client, public clients with
 * exactly registered redirect URIs. Its keystore holds the signing key that is current when it is built; the
 * host builds a fresh instance when the key ring switches keys (all state lives in the database, so requests in
 * flight on the old instance finish normally).
 */
export class OidcProviderHost {
  private readonly services: AuthServices;
  private current:
    { kid: string; provider: Provider; callback: (req: IncomingMessage, res: ServerResponse) => void } | undefined;

  constructor(services: AuthServices) {
    this.services = services;
  }

  provider(): Provider {
    return this.instance().provider;
  }

  handle(req: IncomingMessage, res: ServerResponse): void {
    this.instance().callback(req, res);
  }

  private instance() {
    const key = this.services.keys.signingKey();
    if (this.current?.kid !== key.kid) {
      const provider = this.build(key.privateJwk);
      this.current = { kid: key.kid, provider, callback: provider.callback() };
    }
    return this.current;
  }

  private build(signingJwk: object): Provider {
    const { config, accounts, db, clock } = this.services;
    const alg = config.tokens.signingAlg;
    const configuration: Configuration = {
      adapter: oidcModelAdapter(db, () => clock.now()),
      clients: config.clients.map((c) => ({
        client_id: c.clientId,
        application_type: 'native',
        token_endpoint_auth_method: 'none',
        redirect_uris: c.redirectUris,
        post_logout_redirect_uris: c.postLogoutRedirectUris,
        grant_types: ['authorization_code', 'refresh_token'],
        response_types: ['code'],
        id_token_signed_response_alg: alg,
        scope: c.scopes.join(' '),
      })),
      jwks: { keys: [signingJwk as never] },
      cookies: {
        keys: [config.secrets.cookieSecret],
        long: { signed: true, httpOnly: true, sameSite: 'lax' },
        short: { signed: true, httpOnly: true, sameSite: 'lax' },
      },
      findAccount: async (_ctx, id) => {
        const account = await accounts.byId(id);
        if (account === undefined) return undefined;
        return {
          accountId: id,
          claims: () => ({
            sub: id,
            ...(account.email === null ? {} : { email: account.email, email_verified: account.emailVerified }),
            ...(account.name === null ? {} : { name: account.name }),
          }),
        };
      },
      interactions: { url: (_ctx, interaction) => `/interaction/${interaction.uid}` },
      pkce: { required: () => true },
      responseTypes: ['code'],
      scopes: ['openid', 'profile', 'email', 'offline_access'],
      claims: { openid: ['sub'], email: ['email', 'email_verified'], profile: ['name'] },
      acrValues: [ACR_SINGLE_FACTOR, ACR_MFA],
      extraParams: [...DEVICE_PARAMS],
      allowOmittingSingleRegisteredRedirectUri: false,
      clientBasedCORS: () => false,
      // Refresh tokens are ours (hashed, device-bound, reuse grace); see token-endpoint-hooks.ts.
      issueRefreshToken: async () => false,
      features: {
        devInteractions: { enabled: false },
        revocation: { enabled: true },
        userinfo: { enabled: true },
        rpInitiatedLogout: { enabled: true },
      },
      ttl: {
        AuthorizationCode: 60,
        Interaction: 600,
        Session: 14 * 24 * 3600,
        Grant: 14 * 24 * 3600,
        IdToken: 3600,
        AccessToken: config.tokens.accessTokenTtlSeconds,
      },
      renderError: async (ctx: KoaContextWithOIDC, out) => {
        // The error code only: never reflect request parameters into the page.
        for (const [name, value] of Object.entries(LOGIN_PAGE_HEADERS)) ctx.set(name, value);
        ctx.body = renderErrorPage('Sign-in failed', `${String(out['error'] ?? 'error')}: the request was refused.`);
      },
    };
    const provider = new Provider(config.issuer, configuration);
    provider.proxy = true;
    installTokenEndpointHooks(provider, this.services);
    return provider;
  }
}
