import { describe, expect, it } from 'vitest';
import type { AccessRule } from '../platform/config-schema.ts';
import { mayCreate, resolveAccess } from './access-policy.ts';
import type { Principal } from './access-policy.ts';

const alice: Principal = { userId: 'alice', roles: [] };
const admin: Principal = { userId: 'root', roles: ['admin', 'staff'] };

describe('resolveAccess', () => {
  it.each<[AccessRule, Principal | undefined, string]>([
    ['public', undefined, 'all'],
    ['public', alice, 'all'],
    ['authenticated', undefined, 'none'],
    ['authenticated', alice, 'all'],
    ['owner', undefined, 'none'],
    ['owner', alice, 'own'],
    ['nobody', admin, 'none'],
    [{ roles: ['admin'], orOwner: false }, alice, 'none'],
    [{ roles: ['admin'], orOwner: true }, alice, 'own'],
    [{ roles: ['admin'], orOwner: true }, undefined, 'none'],
    [{ roles: ['auditor', 'staff'], orOwner: false }, admin, 'all'],
  ])('%j for %j is %s', (rule, principal, scope) => expect(resolveAccess(rule, principal)).toBe(scope));

  it('lets owners create, never anonymous callers', () => {
    expect(mayCreate('owner', alice)).toBe(true);
    expect(mayCreate('owner', undefined)).toBe(false);
    expect(mayCreate('public', undefined)).toBe(true);
  });
});
