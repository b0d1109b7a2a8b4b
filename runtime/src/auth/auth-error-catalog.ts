import type { ErrorRequestHandler } from 'express';
import { AppError } from '../platform/error-catalog.ts';
import type { ErrorCode } from '../platform/error-catalog.ts';
import { PROBLEM_CONTENT_TYPE } from '../platform/problem-details.ts';

/**
 * The codes the auth component's first-party API answers with: a subset of the runtime's one ERROR_CATALOG
 * (STYLE.md §5), documented in docs/problems.md. Messages are deliberately generic where detail would help an
 * attacker: a wrong password and an unknown account are the same `invalid-credentials`. OAuth endpoints answer in
 * RFC 6749 §5.2 format instead (oidc-provider does that).
 */
export const AUTH_ERROR_CODES = [
  'invalid-credentials',
  'mfa-required',
  'invalid-mfa-code',
  'step-up-required',
  'invalid-token',
  'unauthenticated',
  'invalid-one-time-token',
  'invalid-client',
  'email-not-verified',
  'forbidden',
  'not-found',
  'mfa-already-enabled',
  'weak-password',
  'validation-failed',
  'login-throttled',
] as const satisfies readonly ErrorCode[];

export type AuthErrorCode = (typeof AUTH_ERROR_CODES)[number];

/** An AppError whose code is one the auth component may answer with. */
export class AuthError extends AppError {
  override name = 'AuthError';
  declare readonly code: AuthErrorCode;

  constructor(
    code: AuthErrorCode,
    detail?: string,
    options: { extensions?: Record<string, unknown>; headers?: Record<string, string> } = {},
  ) {
    super(code, detail, options);
  }
}

/**
 * Edge middleware for the auth routes: answers AppErrors like the platform's middleware, plus `Cache-Control:
 * no-store` (RFC 6749 §5.1: responses carrying or about credentials must not be cached). Anything else goes on
 * to the platform's error middleware.
 */
export function authErrorMiddleware(): ErrorRequestHandler {
  return (error: unknown, req, res, next) => {
    if (!(error instanceof AppError) || res.headersSent) {
      next(error);
      return;
    }
    for (const [name, value] of Object.entries(error.headers)) res.setHeader(name, value);
    res.setHeader('cache-control', 'no-store');
    res.status(error.status).setHeader('content-type', PROBLEM_CONTENT_TYPE);
    res.end(JSON.stringify(error.toProblem(req.originalUrl.split('?')[0])));
  };
}
