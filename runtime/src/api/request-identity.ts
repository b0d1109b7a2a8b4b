import { createHash } from 'node:crypto';
import type { NextFunction, Request, RequestHandler, Response } from 'express';
import { parseBearerToken } from '../platform/bearer-token.ts';
import { AppError } from '../platform/error-catalog.ts';
import type { Principal } from './access-policy.ts';
import type { JwtAuthenticator } from './jwt-authenticator.ts';

/** Who is calling: the verified user (if any), the API key's name (if any) and the client IP. */
export interface RequestIdentity {
  principal: Principal | undefined;
  apiKey: string | undefined;
  ip: string;
}

export function identityOf(res: Response): RequestIdentity {
  const identity = (res.locals as { identity?: RequestIdentity }).identity;
  if (identity === undefined) throw new Error('identity middleware did not run');
  return identity;
}

/** The bearer token of a request; WebSocket clients (browsers cannot set headers) may use `access_token`. */
/** The parts of a request identity needs; an Express request or a raw upgrade request both fit. */
export interface IdentitySource {
  headers: Request['headers'];
  url?: string | undefined;
  ip?: string | undefined;
  socket: { remoteAddress?: string | undefined };
}

export function bearerToken(req: IdentitySource, allowQuery: boolean): string | undefined {
  const header = req.headers.authorization;
  if (header !== undefined) {
    const token = parseBearerToken(header);
    if (token === undefined)
      throw new AppError('invalid-token', 'use Authorization: Bearer <token>', {
        headers: { 'www-authenticate': 'Bearer' },
      });
    return token;
  }
  if (allowQuery) {
    const token = new URL(req.url ?? '/', 'http://x').searchParams.get('access_token');
    if (token !== null) return token;
  }
  return undefined;
}

export async function resolveIdentity(
  req: IdentitySource,
  options: {
    authenticator: JwtAuthenticator | undefined;
    apiKeys: ReadonlyMap<string, string>;
    allowQueryToken?: boolean;
  },
): Promise<RequestIdentity> {
  const keyHeader = req.headers['x-api-key'];
  let apiKey: string | undefined;
  if (typeof keyHeader === 'string') {
    apiKey = options.apiKeys.get(createHash('sha256').update(keyHeader).digest('hex'));
    if (apiKey === undefined) throw new AppError('invalid-api-key', 'unknown X-Api-Key');
  }
  const token = bearerToken(req, options.allowQueryToken ?? false);
  let principal: Principal | undefined;
  if (token !== undefined) {
    if (options.authenticator === undefined)
      throw new AppError('invalid-token', 'token verification is not configured on this server', {
        headers: { 'www-authenticate': 'Bearer error="invalid_token"' },
      });
    principal = await options.authenticator.verify(token);
  }
  return { principal, apiKey, ip: req.ip ?? req.socket.remoteAddress ?? 'unknown' };
}

/** Pipeline step: resolves the caller once and keeps it in `res.locals.identity`. */
export function identifyStep(options: {
  authenticator: JwtAuthenticator | undefined;
  apiKeys: ReadonlyMap<string, string>;
}): RequestHandler {
  return (req: Request, res: Response, next: NextFunction) => {
    // EventSource cannot send headers: the SSE feed also takes the token from `access_token`.
    resolveIdentity(req, { ...options, allowQueryToken: req.path.endsWith('/events') }).then(
      (identity) => {
        (res.locals as { identity?: RequestIdentity }).identity = identity;
        next();
      },
      (error: unknown) => next(error),
    );
  };
}
