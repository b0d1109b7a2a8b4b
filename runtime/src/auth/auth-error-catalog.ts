import type { ErrorRequestHandler } from 'express';
import { PROBLEM_CONTENT_TYPE, problem } from '../platform/problem-details.ts';
import type { ProblemDetails } from '../platform/problem-details.ts';

/**
 * Errors of the auth component's first-party API (STYLE.md §5), documented in docs/problems-auth.md and kept in
 * step by a test. Messages are deliberately generic where detail would help an attacker: a wrong password and an
 * unknown account are the same `invalid-credentials`. OAuth endpoints answer in RFC 6749 §5.2 format instead
 * (oidc-provider does that). To be merged into the platform ERROR_CATALOG.
 */
export const AUTH_ERROR_CATALOG = {
  'invalid-credentials': { status: 401, title: 'Invalid credentials' },
  'mfa-required': { status: 401, title: 'A second factor is required' },
  'invalid-mfa-code': { status: 401, title: 'Invalid second-factor code' },
  'step-up-required': { status: 401, title: 'A recent second factor is required for this action' },
  'invalid-token': { status: 401, title: 'Invalid access token' },
  unauthenticated: { status: 401, title: 'Authentication required' },
  'invalid-one-time-token': { status: 400, title: 'Invalid or expired link' },
  'invalid-client': { status: 400, title: 'Unknown or not first-party client' },
  'email-not-verified': { status: 403, title: 'Email address not verified' },
  forbidden: { status: 403, title: 'Forbidden' },
  'not-found': { status: 404, title: 'Not found' },
  'mfa-already-enabled': { status: 409, title: 'A second factor is already enabled' },
  'weak-password': { status: 422, title: 'Password does not meet the policy' },
  'validation-failed': { status: 422, title: 'Validation failed' },
  'login-throttled': { status: 429, title: 'Too many sign-in attempts' },
} as const satisfies Record<string, { status: number; title: string }>;

export type AuthErrorCode = keyof typeof AUTH_ERROR_CATALOG;

export class AuthError extends Error {
  override name = 'AuthError';
  readonly code: AuthErrorCode;
  readonly status: number;
  readonly extensions: Record<string, unknown>;
  readonly headers: Record<string, string>;

  constructor(
    code: AuthErrorCode,
    detail?: string,
    options: { extensions?: Record<string, unknown>; headers?: Record<string, string> } = {},
  ) {
    super(detail ?? AUTH_ERROR_CATALOG[code].title);
    this.code = code;
    this.status = AUTH_ERROR_CATALOG[code].status;
    this.extensions = options.extensions ?? {};
    this.headers = options.headers ?? {};
  }

  toProblem(instance?: string): ProblemDetails {
    const body = problem(this.code, this.status, AUTH_ERROR_CATALOG[this.code].title, this.message, this.extensions);
    if (instance !== undefined) body.instance = instance;
    return body;
  }
}

/** Edge middleware for AuthError; anything else goes on to the platform's error middleware. */
export function authErrorMiddleware(): ErrorRequestHandler {
  return (error: unknown, req, res, next) => {
    if (!(error instanceof AuthError) || res.headersSent) {
      next(error);
      return;
    }
    for (const [name, value] of Object.entries(error.headers)) res.setHeader(name, value);
    res.setHeader('cache-control', 'no-store');
    res.status(error.status).setHeader('content-type', PROBLEM_CONTENT_TYPE);
    res.end(JSON.stringify(error.toProblem(req.originalUrl.split('?')[0])));
  };
}
