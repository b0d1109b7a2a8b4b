import express, { Router } from 'express';
import type { Request, Response } from 'express';
import type { AuthServices } from '../auth-services.ts';
import { AuthError } from '../auth-error-catalog.ts';
import { clientIp, handle } from '../http/request-helpers.ts';
import { loginCompletion } from './login-completion.ts';
import { LOGIN_PAGE_HEADERS, renderErrorPage, renderLoginPage, renderMfaPage } from './login-page.ts';
import type { OidcProviderHost } from './oidc-provider-host.ts';

function sendPage(res: Response, status: number, html: string): void {
  res.status(status);
  for (const [name, value] of Object.entries(LOGIN_PAGE_HEADERS)) res.setHeader(name, value);
  res.end(html);
}

/**
 * The interaction endpoints oidc-provider sends the browser to: the sign-in page (password, then a second factor
 * when enrolled; or an upstream provider), and automatic consent, since every registered client is one of the
 * backend's own apps. Completes with the `amr`/`acr` of what the user actually did.
 */
export function interactionRouter(services: AuthServices, host: OidcProviderHost): Router {
  const { config, passwordSignIn, mfaChallenges, accounts, audit } = services;
  const router = Router();
  const finish = loginCompletion(services, host);
  const form = express.urlencoded({ extended: false, limit: '8kb', parameterLimit: 10 });
  const appName = config.issuer.replace(/^https?:\/\//, '');

  async function details(req: Request, res: Response) {
    try {
      return await host.provider().interactionDetails(req, res);
    } catch {
      sendPage(
        res,
        400,
        renderErrorPage(
          'Sign-in expired',
          'This sign-in attempt is no longer valid. Return to the app and start again.',
        ),
      );
      return undefined;
    }
  }

  router.get(
    '/interaction/:uid',
    handle(async (req, res) => {
      const interaction = await details(req, res);
      if (interaction === undefined) return;
      if (interaction.prompt.name === 'consent') {
        const session = interaction.session;
        const account = session === undefined ? undefined : await accounts.byId(session.accountId);
        if (account !== undefined) {
          const amr = (interaction.lastSubmission?.login as { amr?: string[] } | undefined)?.amr ?? ['pwd'];
          await finish(req, res, account, amr);
          return;
        }
      }
      sendPage(res, 200, renderLoginPage({ uid: interaction.uid, appName, upstream: config.upstream }));
    }),
  );

  router.post(
    '/interaction/:uid/login',
    form,
    handle(async (req, res) => {
      const interaction = await details(req, res);
      if (interaction === undefined) return;
      const body = req.body as Record<string, unknown>;
      const email = typeof body['email'] === 'string' ? body['email'] : '';
      const password = typeof body['password'] === 'string' ? body['password'] : '';
      const clientId = String(interaction.params['client_id']);
      const page = (status: number, error: string) =>
        sendPage(
          res,
          status,
          renderLoginPage({ uid: interaction.uid, appName, error, email, upstream: config.upstream }),
        );
      if (email === '' || password === '' || email.length > 254 || password.length > 1024) {
        page(400, 'Enter your email and password.');
        return;
      }
      try {
        const result = await passwordSignIn.verify(email, password, { ip: clientIp(req), clientId });
        if (result.kind === 'mfa-required') {
          const mfaToken = mfaChallenges.seal({
            userId: result.account.id,
            amr: ['pwd'],
            binding: `interaction:${interaction.uid}`,
          });
          sendPage(res, 200, renderMfaPage({ uid: interaction.uid, mfaToken }));
          return;
        }
        await finish(req, res, result.account, ['pwd']);
      } catch (error) {
        if (!(error instanceof AuthError)) throw error;
        if (error.code === 'login-throttled') res.setHeader('retry-after', error.headers['retry-after'] ?? '60');
        page(
          error.status,
          error.code === 'email-not-verified'
            ? 'Verify your email address first.'
            : error.code === 'login-throttled'
              ? 'Too many attempts. Try again later.'
              : 'The email or password is wrong.',
        );
      }
    }),
  );

  router.post(
    '/interaction/:uid/mfa',
    form,
    handle(async (req, res) => {
      const interaction = await details(req, res);
      if (interaction === undefined) return;
      const body = req.body as Record<string, unknown>;
      const mfaToken = typeof body['mfa_token'] === 'string' ? body['mfa_token'] : '';
      const code = typeof body['code'] === 'string' ? body['code'].trim() : '';
      const challenge = mfaChallenges.open(mfaToken, `interaction:${interaction.uid}`);
      const account = challenge === undefined ? undefined : await accounts.byId(challenge.userId);
      if (challenge === undefined || account === undefined) {
        sendPage(res, 400, renderErrorPage('Sign-in expired', 'Return to the app and start again.'));
        return;
      }
      try {
        const input = /^\d{6}$/.test(code) ? { code } : { recoveryCode: code };
        const methods = await passwordSignIn.verifySecondFactor(account, input, {
          ip: clientIp(req),
          clientId: String(interaction.params['client_id']),
        });
        await finish(req, res, account, [...challenge.amr, ...methods]);
      } catch (error) {
        if (!(error instanceof AuthError)) throw error;
        audit.record('mfa-challenge-failed', { userId: account.id, ip: clientIp(req) });
        sendPage(
          res,
          error.status,
          renderMfaPage({ uid: interaction.uid, mfaToken, error: 'That code did not work.' }),
        );
      }
    }),
  );

  return router;
}
