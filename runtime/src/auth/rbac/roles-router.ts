import { Router } from 'express';
import type { RequestHandler } from 'express';
import { z } from 'zod';
import { jsonBodyParser } from '../../platform/json-body-parser.ts';
import { AuthError } from '../auth-error-catalog.ts';
import type { AuthServices } from '../auth-services.ts';
import { authenticatedUser, clientIp, handle, parseBody, sendJsonNoStore } from '../http/request-helpers.ts';
import { RESERVED_CLAIMS } from '../tokens/access-token-claims.ts';

const role = z.string().regex(/^[a-z][a-z0-9:_-]{0,63}$/, 'lowercase letters, digits, : _ -');
const rolesSchema = z.object({ roles: z.array(role).max(50) }).strict();
const claimsSchema = z
  .object({
    claims: z.record(
      z.string().min(1).max(64),
      z.union([z.string().max(256), z.number(), z.boolean(), z.array(z.string().max(64)).max(20)]),
    ),
  })
  .strict()
  .refine((b) => Object.keys(b.claims).every((k) => !RESERVED_CLAIMS.has(k)), {
    message: 'claims may not use a registered claim name',
  })
  .refine((b) => JSON.stringify(b.claims).length <= 2048, {
    message: 'claims must stay under 2 KB (they ride in every token)',
  });

/**
 * RBAC administration: roles and custom claims travel in access tokens (`roles` claim) and feed the api
 * component's access rules. Only holders of the admin role may change them, with a recent second factor when
 * `roles.update` is a sensitive action. Changes show up at the user's next refresh.
 */
export function rolesRouter(
  services: AuthServices,
  requireUser: RequestHandler,
  stepUp: (action: 'roles.update') => RequestHandler,
): Router {
  const { accounts, audit, config } = services;
  const router = Router();
  const json = jsonBodyParser({ limitBytes: 8 * 1024, maxDepth: 4 });
  const requireAdmin: RequestHandler = (_req, res, next) => {
    next(
      authenticatedUser(res).roles.includes(config.rbac.adminRole)
        ? undefined
        : new AuthError('forbidden', 'requires the admin role'),
    );
  };

  router.put(
    '/v1/auth/users/:id/roles',
    requireUser,
    requireAdmin,
    stepUp('roles.update'),
    json,
    handle(async (req, res) => {
      const { roles } = parseBody(rolesSchema, req.body);
      const target = await accounts.byId(String(req.params['id']));
      if (target === undefined) throw new AuthError('not-found', 'no such user');
      await accounts.setRoles(target.id, roles);
      audit.record('roles-changed', {
        userId: target.id,
        ip: clientIp(req),
        reason: `by ${authenticatedUser(res).userId}`,
      });
      sendJsonNoStore(res, 200, { id: target.id, roles: [...new Set(roles)].sort() });
    }),
  );

  router.put(
    '/v1/auth/users/:id/claims',
    requireUser,
    requireAdmin,
    stepUp('roles.update'),
    json,
    handle(async (req, res) => {
      const { claims } = parseBody(claimsSchema, req.body);
      const target = await accounts.byId(String(req.params['id']));
      if (target === undefined) throw new AuthError('not-found', 'no such user');
      await accounts.setCustomClaims(target.id, claims);
      audit.record('roles-changed', { userId: target.id, ip: clientIp(req), reason: 'custom-claims' });
      sendJsonNoStore(res, 200, { id: target.id, claims });
    }),
  );

  return router;
}
