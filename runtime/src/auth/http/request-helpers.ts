import type { NextFunction, Request, RequestHandler, Response } from 'express';
import type { z } from 'zod';
import { parseBearerToken } from '../../platform/bearer-token.ts';
import { AuthError } from '../auth-error-catalog.ts';
import type { SessionStore } from '../tokens/session-store.ts';
import type { AccessTokenVerifier, VerifiedAccessToken } from '../tokens/access-token-verifier.ts';

/** Parses a body with a zod schema; the failure names fields and reasons, never the submitted values. */
export function parseBody<S extends z.ZodType>(schema: S, body: unknown): z.infer<S> {
  const result = schema.safeParse(body);
  if (result.success) return result.data;
  const errors = result.error.issues.map((i) => ({
    path: i.path.map(String).join('.') || '(body)',
    message: i.message,
  }));
  throw new AuthError('validation-failed', errors.map((e) => `${e.path}: ${e.message}`).join('; '), {
    extensions: { errors },
  });
}

/** Wraps an async handler so rejections reach the error middleware. */
export function handle(fn: (req: Request, res: Response) => Promise<void>): RequestHandler {
  return (req: Request, res: Response, next: NextFunction) => {
    fn(req, res).catch(next);
  };
}

export function clientIp(req: Request): string {
  return req.ip ?? req.socket.remoteAddress ?? 'unknown';
}

export function sendJsonNoStore(res: Response, status: number, body: unknown): void {
  res.status(status).setHeader('cache-control', 'no-store');
  res.setHeader('content-type', 'application/json; charset=utf-8');
  res.end(JSON.stringify(body));
}

export function authenticatedUser(res: Response): VerifiedAccessToken {
  const user = (res.locals as { authUser?: VerifiedAccessToken }).authUser;
  if (user === undefined) throw new Error('requireUser did not run');
  return user;
}

/** Bearer access token of this issuer, whose session is still alive (a revoked session's tokens stop here). */
export function requireUser(verifier: AccessTokenVerifier, sessions: SessionStore): RequestHandler {
  return (req: Request, res: Response, next: NextFunction) => {
    const run = async () => {
      const token = parseBearerToken(req.headers.authorization);
      if (token === undefined)
        throw new AuthError('unauthenticated', 'use Authorization: Bearer <access token>', {
          headers: { 'www-authenticate': 'Bearer' },
        });
      const user = await verifier.verify(token);
      if (!(await sessions.isActive(user.sessionId)))
        throw new AuthError('invalid-token', 'the session has ended', {
          headers: { 'www-authenticate': 'Bearer error="invalid_token"' },
        });
      (res.locals as { authUser?: VerifiedAccessToken }).authUser = user;
    };
    run().then(() => next(), next);
  };
}
