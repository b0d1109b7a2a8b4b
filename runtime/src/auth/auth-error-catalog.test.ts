import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { AUTH_ERROR_CATALOG, AuthError } from './auth-error-catalog.ts';
import { ERROR_CATALOG } from '../platform/error-catalog.ts';
import { PROBLEM_TYPE_BASE } from '../platform/problem-details.ts';

const docs = readFileSync(new URL('../../../docs/problems-auth.md', import.meta.url), 'utf8');

describe('auth error catalog', () => {
  it('is documented in docs/problems-auth.md, code by code, with the same status', () => {
    const documented = new Map<string, number>();
    for (const section of docs.split(/^## /m).slice(1)) {
      const code = section.split('\n', 1)[0]!.trim();
      documented.set(code, Number(/^Status: (\d{3})/m.exec(section)?.[1]));
      expect(section).toContain(`${PROBLEM_TYPE_BASE}${code}`);
    }
    expect(documented).toEqual(new Map(Object.entries(AUTH_ERROR_CATALOG).map(([code, e]) => [code, e.status])));
  });

  it('agrees with the platform catalog on every code both define', () => {
    for (const [code, entry] of Object.entries(AUTH_ERROR_CATALOG)) {
      const platform = (ERROR_CATALOG as Record<string, { status: number }>)[code];
      if (platform !== undefined) expect(entry.status, code).toBe(platform.status);
    }
  });

  it('turns an AuthError into a problem document', () => {
    expect(new AuthError('login-throttled', 'later').toProblem('/v1/auth/sign-in')).toEqual({
      type: `${PROBLEM_TYPE_BASE}login-throttled`,
      title: 'Too many sign-in attempts',
      status: 429,
      detail: 'later',
      instance: '/v1/auth/sign-in',
    });
  });
});
