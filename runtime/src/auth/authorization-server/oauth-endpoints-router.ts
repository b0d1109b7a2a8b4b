import express, { Router } from 'express';
import type { Response } from 'express';
import { parseBearerToken } from '../../platform/bearer-token.ts';
import type { AuthServices } from '../auth-services.ts';
import { AuthError } from '../auth-error-catalog.ts';
import { clientIp, handle } from '../http/request-helpers.ts';

function oauthError(res: Response, status: number, error: string, description: string): void {
  res.status(status).setHeader('cache-control', 'no-store');
  res.setHeader('content-type', 'application/json; charset=utf-8');
  res.end(JSON.stringify({ error, error_description: description }));
}

/**
 * The OAuth endpoints that act on *our* tokens, answered before oidc-provider sees the request (same paths its
 * discovery document advertises): the JWKS of the key ring (pending, current and retired-but-alive keys),
 * RFC 7009 revocation of refresh tokens (ends the session), and userinfo for our JWT access tokens.
 */
export function oauthEndpointsRouter(services: AuthServices): Router {
  const { keys, sessions, verifier, accounts, audit } = services;
  const router = Router();
  const form = express.urlencoded({ extended: false, limit: '8kb', parameterLimit: 10 });

  router.get('/jwks', (_req, res) => {
    res.setHeader('content-type', 'application/jwk-set+json');
    // Shorter than the pre-publication lead time, so caches always hold a key before it signs.
    res.setHeader('cache-control', 'public, max-age=300');
    res.end(JSON.stringify(keys.jwks()));
  });

  router.post(
    '/token/revocation',
    form,
    handle(async (req, res) => {
      const body = req.body as Record<string, unknown>;
      const clientId = typeof body['client_id'] === 'string' ? body['client_id'] : undefined;
      const token = typeof body['token'] === 'string' ? body['token'] : undefined;
      if (clientId === undefined || services.client(clientId) === undefined) {
        oauthError(res, 401, 'invalid_client', 'client authentication failed');
        return;
      }
      if (token === undefined) {
        oauthError(res, 400, 'invalid_request', 'missing required parameter token');
        return;
      }
      const session = token.startsWith('mprt_') ? await sessions.revokeByRefreshToken(token, clientId) : undefined;
      if (session !== undefined)
        audit.record('session-revoked', {
          userId: session.userId,
          sessionId: session.id,
          clientId,
          ip: clientIp(req),
          reason: 'revocation',
        });
      else if (!token.startsWith('mprt_')) {
        // An access token: revoking it ends its session (RFC 7009 §2.1 allows revoking the grant).
        const user = await verifier.verify(token).catch(() => undefined);
        if (
          user !== undefined &&
          user.clientId === clientId &&
          (await sessions.revoke(user.sessionId, 'revocation', user.userId))
        )
          audit.record('session-revoked', {
            userId: user.userId,
            sessionId: user.sessionId,
            clientId,
            ip: clientIp(req),
            reason: 'revocation',
          });
      }
      // RFC 7009 §2.2: 200 whether or not the token was valid.
      res.status(200).setHeader('cache-control', 'no-store');
      res.end();
    }),
  );

  const userinfo = handle(async (req, res) => {
    const token = parseBearerToken(req.headers.authorization);
    const user = token === undefined ? undefined : await verifier.verify(token).catch(() => undefined);
    const account =
      user === undefined || !(await sessions.isActive(user.sessionId)) ? undefined : await accounts.byId(user.userId);
    if (user === undefined || account === undefined) {
      res.setHeader('www-authenticate', 'Bearer error="invalid_token"');
      oauthError(res, 401, 'invalid_token', 'invalid access token');
      return;
    }
    const scopes = new Set(user.scope.split(' '));
    if (!scopes.has('openid')) throw new AuthError('forbidden', 'the token lacks the openid scope');
    res.setHeader('cache-control', 'no-store');
    res.json({
      sub: account.id,
      ...(scopes.has('email') && account.email !== null
        ? { email: account.email, email_verified: account.emailVerified }
        : {}),
      ...(scopes.has('profile') && account.name !== null ? { name: account.name } : {}),
    });
  });
  router.get('/me', userinfo);
  router.post('/me', userinfo);

  return router;
}
