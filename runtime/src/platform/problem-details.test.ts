import { describe, expect, it } from 'vitest';
import { PROBLEM_TYPE_BASE, problem } from './problem-details.ts';

describe('problem', () => {
  it('builds an RFC 9457 document with a stable type URI', () => {
    expect(problem('validation-failed', 422, 'Validation failed', 'body.name: Required', { errors: [] })).toEqual({
      type: `${PROBLEM_TYPE_BASE}validation-failed`,
      title: 'Validation failed',
      status: 422,
      detail: 'body.name: Required',
      errors: [],
    });
  });

  it('does not let extensions override the standard members', () => {
    const body = problem('not-found', 404, 'Not found', undefined, { status: 200, type: 'x' });
    expect(body.status).toBe(404);
    expect(body.type).toBe(`${PROBLEM_TYPE_BASE}not-found`);
    expect(body).not.toHaveProperty('detail');
  });

  it.each([
    ['Not_Kebab', 400],
    ['ok', 200],
    ['ok', 600],
  ])('refuses code %s with status %d', (code, status) => {
    expect(() => problem(code, status, 't')).toThrow();
  });
});
