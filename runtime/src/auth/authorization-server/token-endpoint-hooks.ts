import { errors } from 'oidc-provider';
import type Provider from 'oidc-provider';
import type { KoaContextWithOIDC } from 'oidc-provider';
import type { AuthServices } from '../auth-services.ts';
import { ACR_SINGLE_FACTOR } from '../tokens/access-token-claims.ts';

interface CodeEntity {
  accountId: string;
  grantId: string;
  scope?: string;
  acr?: string;
  amr?: string[];
  authTime?: number;
}

/**
 * Where oidc-provider's token endpoint meets our token service:
 * - `authorization_code`: oidc-provider does all the protocol checks (client, code, PKCE verifier, redirect_uri,
 *   replay) and issues the ID token; afterwards we swap its access token for our JWT and add our refresh token,
 *   starting a session bound to the device chosen during sign-in.
 * - `refresh_token`: registered as our own grant handler (client authentication and parameter parsing stay
 *   oidc-provider's), so rotation, reuse detection and the retry grace are ours.
 */
export function installTokenEndpointHooks(provider: Provider, services: AuthServices): void {
  const { accounts, tokens, devices, db, audit } = services;

  provider.use(async (ctx, next) => {
    await next();
    const oidc = (ctx as KoaContextWithOIDC).oidc as KoaContextWithOIDC['oidc'] | undefined;
    if (oidc?.route !== 'token' || ctx.status !== 200 || oidc.params?.['grant_type'] !== 'authorization_code') return;
    const code = oidc.entities.AuthorizationCode as unknown as CodeEntity | undefined;
    const client = oidc.client;
    if (code === undefined || client === undefined) return;
    const account = await accounts.byId(code.accountId);
    if (account === undefined) throw new errors.InvalidGrant('account not found');
    const { rows } = await db.query<{ device_id: string }>(
      'DELETE FROM auth_pending_devices WHERE grant_id = $1 RETURNING device_id::text AS device_id',
      [code.grantId],
    );
    const deviceId =
      rows[0]?.device_id ??
      (await devices.register(account.id, {
        installationId: `grant:${code.grantId}`,
        name: 'Unnamed device',
        platform: 'other',
      }));
    const body = ctx.body as Record<string, unknown>;
    const { response, session } = await tokens.startSession({
      account,
      deviceId,
      clientId: client.clientId,
      scope: typeof body['scope'] === 'string' ? body['scope'] : (code.scope ?? 'openid'),
      amr: code.amr ?? ['pwd'],
      acr: code.acr ?? ACR_SINGLE_FACTOR,
      authTime: code.authTime ?? Math.floor(services.clock.now() / 1000),
    });
    audit.record('sign-in-succeeded', {
      userId: account.id,
      sessionId: session.id,
      deviceId,
      clientId: client.clientId,
      method: 'authorization_code',
    });
    ctx.body = {
      ...body,
      access_token: response.access_token,
      expires_in: response.expires_in,
      refresh_token: response.refresh_token,
      token_type: 'Bearer',
    };
  });

  provider.registerGrantType(
    'refresh_token',
    async (ctx) => {
      const presented = ctx.oidc.params['refresh_token'];
      if (typeof presented !== 'string' || presented === '')
        throw new errors.InvalidRequest('missing required parameter refresh_token');
      const result = await tokens.refresh(presented, ctx.oidc.client.clientId, ctx.ip);
      // RFC 6749 §5.2: one error for every refusal; the reason is in the audit log, not in the response.
      if (!result.ok) throw new errors.InvalidGrant('refresh token is invalid, expired or revoked');
      ctx.body = result.response;
    },
    ['refresh_token', 'scope'],
  );
}
