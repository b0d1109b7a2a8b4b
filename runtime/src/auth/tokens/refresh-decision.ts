export interface RefreshTokenState {
  state: 'active' | 'rotated' | 'revoked';
  expiresAt: number;
  rotatedAt: number | undefined;
  /** State of the token this one was rotated into, if any. */
  childState: 'active' | 'rotated' | 'revoked' | undefined;
}

export interface SessionState {
  revoked: boolean;
  expiresAt: number;
  clientId: string;
}

export type RefreshDecision =
  | { kind: 'rotate' }
  /** A retry of the rotation that just happened: hand back the active child instead of logging the user out. */
  | { kind: 'replay-child' }
  /** RFC 9700 §4.14.2: a rotated token came back; the family is compromised, revoke all of it. */
  | { kind: 'reuse-detected' }
  | { kind: 'reject'; reason: 'session-ended' | 'expired' | 'wrong-client' };

/**
 * What to do with a presented refresh token; pure (STYLE.md §7) so both sides of the grace line are table-tested.
 * The grace applies only to the *immediate parent of the active token* and only for `graceMs` after its rotation;
 * anything older, or a parent whose child has itself been rotated, is reuse.
 */
export function decideRefresh(
  token: RefreshTokenState,
  session: SessionState,
  request: { clientId: string; now: number; graceMs: number },
): RefreshDecision {
  if (session.clientId !== request.clientId) return { kind: 'reject', reason: 'wrong-client' };
  if (session.revoked || token.state === 'revoked' || request.now >= session.expiresAt)
    return { kind: 'reject', reason: 'session-ended' };
  if (token.state === 'active')
    return request.now >= token.expiresAt ? { kind: 'reject', reason: 'expired' } : { kind: 'rotate' };
  const withinGrace = token.rotatedAt !== undefined && request.now - token.rotatedAt <= request.graceMs;
  if (withinGrace && token.childState === 'active') return { kind: 'replay-child' };
  return { kind: 'reuse-detected' };
}
