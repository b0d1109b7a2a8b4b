import { describe, expect, it } from 'vitest';
import { AUTH_ERROR_CODES, AuthError } from './auth-error-catalog.ts';
import { AppError, ERROR_CATALOG } from '../platform/error-catalog.ts';
import { PROBLEM_TYPE_BASE } from '../platform/problem-details.ts';

describe('auth error codes', () => {
  it('are all in the one platform catalog (which docs/problems.md documents)', () => {
    for (const code of AUTH_ERROR_CODES) expect(Object.keys(ERROR_CATALOG), code).toContain(code);
  });

  it('turn an AuthError into a problem document the platform middleware also understands', () => {
    const error = new AuthError('login-throttled', 'later');
    expect(error).toBeInstanceOf(AppError);
    expect(error.toProblem('/v1/auth/sign-in')).toEqual({
      type: `${PROBLEM_TYPE_BASE}login-throttled`,
      title: 'Too many sign-in attempts',
      status: 429,
      detail: 'later',
      instance: '/v1/auth/sign-in',
    });
  });
});
