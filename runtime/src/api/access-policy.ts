import type { AccessRule } from '../platform/config-schema.ts';

export interface Principal {
  userId: string;
  roles: readonly string[];
  /** The auth session the token belongs to (`sid`), when the issuer names one: revoking it ends the token. */
  sessionId?: string | undefined;
  /** The token's `exp` (seconds): streams opened with it close then. */
  expiresAt?: number | undefined;
}

/** How much of a collection an operation may touch: everything, only the caller's own documents, or nothing. */
export type AccessScope = 'all' | 'own' | 'none';

/** Evaluates a collection access rule for a caller (`undefined` when anonymous). Pure; see the table test. */
export function resolveAccess(rule: AccessRule, principal: Principal | undefined): AccessScope {
  if (rule === 'public') return 'all';
  if (rule === 'nobody' || principal === undefined) return 'none';
  if (rule === 'authenticated') return 'all';
  if (rule === 'owner') return 'own';
  if (rule.roles.some((role) => principal.roles.includes(role))) return 'all';
  return rule.orOwner ? 'own' : 'none';
}

/** `create` has no existing owner to compare with: `own` means "any authenticated caller, who becomes the owner". */
export function mayCreate(rule: AccessRule, principal: Principal | undefined): boolean {
  return resolveAccess(rule, principal) !== 'none';
}
