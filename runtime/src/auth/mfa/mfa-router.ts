import { Router } from 'express';
import type { RequestHandler } from 'express';
import { z } from 'zod';
import { jsonBodyParser } from '../../platform/json-body-parser.ts';
import { AuthError } from '../auth-error-catalog.ts';
import type { AuthServices } from '../auth-services.ts';
import { authenticatedUser, clientIp, handle, parseBody, sendJsonNoStore } from '../http/request-helpers.ts';
import { ACR_MFA } from '../tokens/access-token-claims.ts';
import { stepUpRequired, stepUpSatisfied } from './step-up-policy.ts';
import { totpUri } from './totp-policy.ts';

type SensitiveAction = AuthServices['config']['mfa']['sensitiveActions'][number];

const codeSchema = z.object({ code: z.string().min(6).max(16) }).strict();

/** Guard for actions the config marks sensitive: a recent second factor (RFC 9470 step-up) or a 401 challenge. */
export function stepUpGuard(services: AuthServices) {
  return (action: SensitiveAction): RequestHandler =>
    (_req, res, next) => {
      if (!services.config.mfa.sensitiveActions.includes(action)) {
        next();
        return;
      }
      const user = authenticatedUser(res);
      services.mfa.isEnabled(user.userId).then((enabled) => {
        const nowSeconds = Math.floor(services.clock.now() / 1000);
        if (stepUpSatisfied(user, enabled, nowSeconds, services.config.mfa.stepUpMaxAgeSeconds)) next();
        else next(stepUpRequired(services.config.mfa.stepUpMaxAgeSeconds));
      }, next);
    };
}

/** TOTP enrolment (begin, confirm with a first code → recovery codes), removal, and step-up. */
export function mfaRouter(services: AuthServices, requireUser: RequestHandler): Router {
  const { mfa, accounts, audit, config, sessions, tokens, clock } = services;
  const router = Router();
  const json = jsonBodyParser({ limitBytes: 4 * 1024, maxDepth: 4 });
  const stepUp = stepUpGuard(services);
  /** The account's address hears of every second-factor change (a hijacker cannot do it silently). */
  const notifyMfaChange = async (userId: string) => {
    const email = (await accounts.byId(userId))?.email;
    if (email) await services.outbox.enqueue('mfa-changed', email);
  };

  router.post(
    '/v1/auth/mfa/totp',
    requireUser,
    handle(async (_req, res) => {
      const user = authenticatedUser(res);
      if (await mfa.isEnabled(user.userId))
        throw new AuthError('mfa-already-enabled', 'remove the current authenticator first');
      const account = await accounts.byId(user.userId);
      const secret = await mfa.begin(user.userId);
      sendJsonNoStore(res, 201, {
        secret,
        otpauth_uri: totpUri(secret, config.mfa.totpIssuer, account?.email ?? user.userId),
      });
    }),
  );

  router.post(
    '/v1/auth/mfa/totp/confirm',
    requireUser,
    json,
    handle(async (req, res) => {
      const user = authenticatedUser(res);
      const { code } = parseBody(codeSchema, req.body);
      if (!(await mfa.verifyCode(user.userId, code, 'pending')))
        throw new AuthError('invalid-mfa-code', 'the code does not match');
      const recoveryCodes = await mfa.newRecoveryCodes(user.userId);
      audit.record('mfa-enrolled', { userId: user.userId, ip: clientIp(req), method: 'totp' });
      await notifyMfaChange(user.userId);
      sendJsonNoStore(res, 200, { recovery_codes: recoveryCodes });
    }),
  );

  router.delete(
    '/v1/auth/mfa/totp',
    requireUser,
    stepUp('mfa.disable'),
    handle(async (req, res) => {
      const user = authenticatedUser(res);
      await mfa.disable(user.userId);
      audit.record('mfa-disabled', { userId: user.userId, ip: clientIp(req) });
      await notifyMfaChange(user.userId);
      res.status(204).end();
    }),
  );

  // Step-up: prove the second factor again; the session becomes multi-factor as of now.
  router.post(
    '/v1/auth/step-up',
    requireUser,
    json,
    handle(async (req, res) => {
      const user = authenticatedUser(res);
      const { code } = parseBody(codeSchema, req.body);
      const account = await accounts.byId(user.userId);
      const session = await sessions.get(user.sessionId);
      if (account === undefined || session === undefined) throw new AuthError('invalid-token', 'the session has ended');
      const methods = await services.passwordSignIn.verifySecondFactor(
        account,
        { code },
        { ip: clientIp(req), clientId: user.clientId },
      );
      const amr = [...new Set([...session.amr, ...methods])];
      const authTime = Math.floor(clock.now() / 1000);
      await sessions.elevate(session.id, amr, ACR_MFA, authTime);
      const access = await tokens.accessTokenFor(account, session, { amr, acr: ACR_MFA, authTime });
      audit.record('step-up', { userId: user.userId, sessionId: session.id, ip: clientIp(req) });
      sendJsonNoStore(res, 200, { access_token: access.token, token_type: 'Bearer', expires_in: access.expiresIn });
    }),
  );

  return router;
}
