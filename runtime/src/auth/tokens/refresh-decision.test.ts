import { describe, expect, it } from 'vitest';
import { decideRefresh } from './refresh-decision.ts';
import type { RefreshTokenState, SessionState } from './refresh-decision.ts';

const session: SessionState = { revoked: false, expiresAt: 1_000_000, clientId: 'app' };
const active: RefreshTokenState = { state: 'active', expiresAt: 500_000, rotatedAt: undefined, childState: undefined };
const parent = (rotatedAt: number, childState: RefreshTokenState['childState']): RefreshTokenState => ({
  state: 'rotated',
  expiresAt: 500_000,
  rotatedAt,
  childState,
});
const at = (now: number) => ({ clientId: 'app', now, graceMs: 10_000 });

describe('decideRefresh', () => {
  it.each([
    ['an active token rotates', active, session, at(100), { kind: 'rotate' }],
    ['an expired active token is refused', active, session, at(500_000), { kind: 'reject', reason: 'expired' }],
    [
      'another client is refused',
      active,
      session,
      { ...at(100), clientId: 'other' },
      { kind: 'reject', reason: 'wrong-client' },
    ],
    [
      'a revoked session is refused',
      active,
      { ...session, revoked: true },
      at(100),
      { kind: 'reject', reason: 'session-ended' },
    ],
    [
      'past the absolute lifetime is refused',
      active,
      session,
      at(1_000_000),
      { kind: 'reject', reason: 'session-ended' },
    ],
    [
      'parent of the active token inside the grace: replay',
      parent(100, 'active'),
      session,
      at(10_100),
      { kind: 'replay-child' },
    ],
    [
      'parent of the active token 1 ms after the grace: reuse',
      parent(100, 'active'),
      session,
      at(10_101),
      { kind: 'reuse-detected' },
    ],
    ['grandparent inside the grace: reuse', parent(100, 'rotated'), session, at(200), { kind: 'reuse-detected' }],
    [
      'a revoked token: refused',
      { ...active, state: 'revoked' as const },
      session,
      at(100),
      { kind: 'reject', reason: 'session-ended' },
    ],
  ])('%s', (_name, token, sessionState, request, expected) => {
    expect(decideRefresh(token, sessionState, request)).toEqual(expected);
  });
});
