import { Router } from 'express';
import type { RequestHandler } from 'express';
import { AuthError } from '../auth-error-catalog.ts';
import type { AuthServices } from '../auth-services.ts';
import { authenticatedUser, clientIp, handle, sendJsonNoStore } from '../http/request-helpers.ts';

/** The signed-in user's own account: profile, sessions and devices (list and revoke), sign-out. */
export function selfServiceRouter(
  services: AuthServices,
  requireUser: RequestHandler,
  stepUp: (action: 'devices.revoke') => RequestHandler,
): Router {
  const { accounts, sessions, devices, audit } = services;
  const router = Router();

  router.get(
    '/v1/auth/me',
    requireUser,
    handle(async (_req, res) => {
      const user = authenticatedUser(res);
      const account = await accounts.byId(user.userId);
      if (account === undefined) throw new AuthError('not-found', 'the account no longer exists');
      sendJsonNoStore(res, 200, {
        id: account.id,
        email: account.email,
        email_verified: account.emailVerified,
        name: account.name,
        roles: account.roles,
        mfa_enabled: account.mfaEnabled,
      });
    }),
  );

  router.get(
    '/v1/auth/sessions',
    requireUser,
    handle(async (_req, res) => {
      const user = authenticatedUser(res);
      const list = await sessions.listActive(user.userId);
      sendJsonNoStore(res, 200, {
        items: list.map((s) => ({
          id: s.id,
          device_id: s.deviceId,
          client_id: s.clientId,
          amr: s.amr,
          created_at: new Date(s.createdAt).toISOString(),
          last_used_at: new Date(s.lastUsedAt).toISOString(),
          current: s.id === user.sessionId,
        })),
      });
    }),
  );

  router.delete(
    '/v1/auth/sessions/:id',
    requireUser,
    handle(async (req, res) => {
      const user = authenticatedUser(res);
      const id = String(req.params['id']);
      if (!/^[0-9a-f-]{36}$/i.test(id) || !(await sessions.revoke(id, 'revoked-by-user', user.userId)))
        throw new AuthError('not-found', 'no such session');
      audit.record('session-revoked', { userId: user.userId, sessionId: id, ip: clientIp(req) });
      res.status(204).end();
    }),
  );

  router.post(
    '/v1/auth/sign-out',
    requireUser,
    handle(async (req, res) => {
      const user = authenticatedUser(res);
      await sessions.revoke(user.sessionId, 'signed-out', user.userId);
      audit.record('session-revoked', {
        userId: user.userId,
        sessionId: user.sessionId,
        ip: clientIp(req),
        reason: 'signed-out',
      });
      res.status(204).end();
    }),
  );

  router.get(
    '/v1/auth/devices',
    requireUser,
    handle(async (_req, res) => {
      const user = authenticatedUser(res);
      const list = await devices.list(user.userId);
      sendJsonNoStore(res, 200, {
        items: list.map((d) => ({
          id: d.id,
          name: d.name,
          platform: d.platform,
          created_at: d.createdAt,
          last_seen_at: d.lastSeenAt,
        })),
      });
    }),
  );

  router.delete(
    '/v1/auth/devices/:id',
    requireUser,
    stepUp('devices.revoke'),
    handle(async (req, res) => {
      const user = authenticatedUser(res);
      const id = String(req.params['id']);
      if (!/^[0-9a-f-]{36}$/i.test(id) || !(await devices.revoke(user.userId, id)))
        throw new AuthError('not-found', 'no such device');
      await sessions.revokeAllForDevice(id, 'device-revoked');
      audit.record('device-revoked', { userId: user.userId, deviceId: id, ip: clientIp(req) });
      res.status(204).end();
    }),
  );

  return router;
}
