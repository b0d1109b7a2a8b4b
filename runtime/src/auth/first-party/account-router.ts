import { Router } from 'express';
import { z } from 'zod';
import { jsonBodyParser } from '../../platform/json-body-parser.ts';
import { AuthError } from '../auth-error-catalog.ts';
import type { AuthServices } from '../auth-services.ts';
import { deviceRegistrationSchema } from '../devices/device-store.ts';
import { checkPasswordPolicy } from '../passwords/password-hasher.ts';
import { ACR_MFA, ACR_SINGLE_FACTOR } from '../tokens/access-token-claims.ts';
import type { Account } from '../accounts/account-store.ts';
import { clientIp, handle, parseBody, sendJsonNoStore } from '../http/request-helpers.ts';

const email = z.email().max(254);
const password = z.string().min(1).max(1024);
const signUpSchema = z.object({ email, password, name: z.string().trim().min(1).max(100).optional() }).strict();
const emailOnlySchema = z.object({ email }).strict();
const tokenSchema = z.object({ token: z.string().min(1).max(200) }).strict();
const resetSchema = z.object({ token: z.string().min(1).max(200), password }).strict();
const signInSchema = z
  .object({
    client_id: z.string().min(1),
    email,
    password,
    device: deviceRegistrationSchema,
    scope: z.string().optional(),
  })
  .strict();
const mfaSchema = z
  .object({
    client_id: z.string().min(1),
    mfa_token: z.string().min(1).max(2000),
    code: z.string().max(16).optional(),
    recovery_code: z.string().max(64).optional(),
    device: deviceRegistrationSchema,
    scope: z.string().optional(),
  })
  .strict()
  .refine((b) => b.code !== undefined || b.recovery_code !== undefined, {
    message: 'code or recovery_code is required',
  });

const ACCEPTED = { status: 'accepted', detail: 'if the address can receive mail, a message is on its way' };

/**
 * First-party account API for the app's own screens (never for third-party clients): sign-up, e-mail
 * verification, password reset and password sign-in with an optional second step. Answers never reveal whether
 * an address has an account.
 */
export function accountRouter(services: AuthServices): Router {
  const { config, accounts, hasher, oneTimeTokens, outbox, audit, passwordSignIn, mfaChallenges } = services;
  const router = Router();
  const json = jsonBodyParser({ limitBytes: 16 * 1024, maxDepth: 8 });

  function firstPartyClient(clientId: string) {
    const client = services.client(clientId);
    if (client === undefined || !client.firstParty)
      throw new AuthError('invalid-client', 'password sign-in is only available to the app itself');
    return client;
  }

  function scopeFor(requested: string | undefined, allowed: readonly string[]): string {
    const wanted = (requested ?? 'openid profile email offline_access').split(' ').filter((s) => s !== '');
    return wanted.filter((s) => allowed.includes(s)).join(' ');
  }

  async function issue(
    account: Account,
    body: { client_id: string; device: z.infer<typeof deviceRegistrationSchema>; scope?: string | undefined },
    amr: string[],
    ip: string,
  ) {
    const client = firstPartyClient(body.client_id);
    const deviceId = await services.devices.register(account.id, body.device);
    const { response, session } = await services.tokens.startSession({
      account,
      deviceId,
      clientId: client.clientId,
      scope: scopeFor(body.scope, client.scopes),
      amr,
      acr: amr.includes('otp') ? ACR_MFA : ACR_SINGLE_FACTOR,
      authTime: Math.floor(services.clock.now() / 1000),
    });
    audit.record('sign-in-succeeded', {
      userId: account.id,
      sessionId: session.id,
      deviceId,
      clientId: client.clientId,
      ip,
      method: amr.join('+'),
    });
    return response;
  }

  router.post(
    '/v1/auth/sign-up',
    json,
    handle(async (req, res) => {
      const body = parseBody(signUpSchema, req.body);
      const problem = checkPasswordPolicy(body.password, config.passwords.minLength, body.email);
      if (problem !== undefined) throw new AuthError('weak-password', `password ${problem}`);
      // Hash before looking the address up, so both branches cost one argon2 run.
      const passwordHash = await hasher.hash(body.password);
      const userId = await accounts.create({ email: body.email, passwordHash, name: body.name ?? null });
      if (userId === undefined) await outbox.enqueue('account-exists', body.email);
      else {
        audit.record('sign-up', { userId, ip: clientIp(req) });
        await outbox.enqueueWithToken('verify-email', body.email, userId, oneTimeTokens);
      }
      sendJsonNoStore(res, 202, ACCEPTED);
    }),
  );

  router.post(
    '/v1/auth/email/verify',
    json,
    handle(async (req, res) => {
      const { token } = parseBody(tokenSchema, req.body);
      const userId = await oneTimeTokens.consume(token, 'verify-email');
      if (userId === undefined) throw new AuthError('invalid-one-time-token', 'the link is invalid, used or expired');
      await accounts.markEmailVerified(userId);
      audit.record('email-verified', { userId, ip: clientIp(req) });
      res.status(204).end();
    }),
  );

  router.post(
    '/v1/auth/email/resend',
    json,
    handle(async (req, res) => {
      const body = parseBody(emailOnlySchema, req.body);
      const account = await accounts.byEmail(body.email);
      if (account !== undefined && !account.emailVerified)
        await outbox.enqueueWithToken('verify-email', body.email, account.id, oneTimeTokens);
      sendJsonNoStore(res, 202, ACCEPTED);
    }),
  );

  router.post(
    '/v1/auth/password/forgot',
    json,
    handle(async (req, res) => {
      const body = parseBody(emailOnlySchema, req.body);
      const account = await accounts.byEmail(body.email);
      if (account !== undefined) {
        audit.record('password-reset-requested', { userId: account.id, ip: clientIp(req) });
        await outbox.enqueueWithToken('reset-password', body.email, account.id, oneTimeTokens);
      }
      sendJsonNoStore(res, 202, ACCEPTED);
    }),
  );

  router.post(
    '/v1/auth/password/reset',
    json,
    handle(async (req, res) => {
      const body = parseBody(resetSchema, req.body);
      const problem = checkPasswordPolicy(body.password, config.passwords.minLength);
      if (problem !== undefined) throw new AuthError('weak-password', `password ${problem}`);
      const userId = await oneTimeTokens.consume(body.token, 'reset-password');
      if (userId === undefined) throw new AuthError('invalid-one-time-token', 'the link is invalid, used or expired');
      await accounts.setPasswordHash(userId, await hasher.hash(body.password));
      // The reset link went to the mailbox: that proves the address too.
      await accounts.markEmailVerified(userId);
      await services.sessions.revokeAllForUser(userId, 'password-reset');
      audit.record('password-reset', { userId, ip: clientIp(req) });
      const email = (await accounts.byId(userId))?.email;
      if (email) await outbox.enqueue('password-changed', email);
      res.status(204).end();
    }),
  );

  router.post(
    '/v1/auth/sign-in',
    json,
    handle(async (req, res) => {
      const body = parseBody(signInSchema, req.body);
      firstPartyClient(body.client_id);
      const ip = clientIp(req);
      const result = await passwordSignIn.verify(body.email, body.password, { ip, clientId: body.client_id });
      if (result.kind === 'mfa-required') {
        const mfaToken = mfaChallenges.seal({
          userId: result.account.id,
          amr: ['pwd'],
          binding: `client:${body.client_id}`,
        });
        throw new AuthError('mfa-required', 'enter the code from your authenticator app', {
          extensions: { mfa_token: mfaToken },
        });
      }
      sendJsonNoStore(res, 200, await issue(result.account, body, ['pwd'], ip));
    }),
  );

  router.post(
    '/v1/auth/sign-in/mfa',
    json,
    handle(async (req, res) => {
      const body = parseBody(mfaSchema, req.body);
      firstPartyClient(body.client_id);
      const challenge = mfaChallenges.open(body.mfa_token, `client:${body.client_id}`);
      const account = challenge === undefined ? undefined : await accounts.byId(challenge.userId);
      if (challenge === undefined || account === undefined)
        throw new AuthError('invalid-mfa-code', 'the sign-in attempt expired; start again');
      const ip = clientIp(req);
      const methods = await passwordSignIn.verifySecondFactor(
        account,
        { code: body.code, recoveryCode: body.recovery_code },
        { ip, clientId: body.client_id },
      );
      sendJsonNoStore(res, 200, await issue(account, body, [...challenge.amr, ...methods], ip));
    }),
  );

  return router;
}
