import { hkdfSync, randomUUID } from 'node:crypto';
import type { Database, SqlClient } from '../../data/database.ts';
import { SESSION_REVOKED_CHANNEL } from '../../platform/session-revocations.ts';
import type { Clock } from '../clock.ts';
import { generateOpaqueToken, hashToken } from '../crypto/opaque-token.ts';
import { SecretBox } from '../crypto/secret-box.ts';
import { decideRefresh } from './refresh-decision.ts';

export interface SessionRecord {
  id: string;
  userId: string;
  deviceId: string;
  clientId: string;
  scope: string;
  amr: string[];
  acr: string;
  authTime: number;
  createdAt: number;
  lastUsedAt: number;
}

export interface NewSession {
  userId: string;
  deviceId: string;
  clientId: string;
  scope: string;
  amr: readonly string[];
  acr: string;
  authTime: number;
}

export type RefreshOutcome =
  | { kind: 'rotated' | 'replayed'; session: SessionRecord; refreshToken: string }
  | { kind: 'refused'; reason: 'unknown' | 'session-ended' | 'expired' | 'wrong-client' }
  | { kind: 'reuse-detected'; session: SessionRecord };

interface SessionRow {
  id: string;
  user_id: string;
  device_id: string;
  client_id: string;
  scope: string;
  amr: string[];
  acr: string;
  auth_time: Date;
  created_at: Date;
  last_used_at: Date;
  expires_at: Date;
  revoked_at: Date | null;
  device_revoked_at: Date | null;
}

const SESSION_COLUMNS = `s.id::text AS id, s.user_id::text AS user_id, s.device_id::text AS device_id, s.client_id, s.scope,
  s.amr, s.acr, s.auth_time, s.created_at, s.last_used_at, s.expires_at, s.revoked_at, d.revoked_at AS device_revoked_at`;

function toSession(row: SessionRow): SessionRecord {
  return {
    id: row.id,
    userId: row.user_id,
    deviceId: row.device_id,
    clientId: row.client_id,
    scope: row.scope,
    amr: row.amr,
    acr: row.acr,
    authTime: Math.floor(new Date(row.auth_time).getTime() / 1000),
    createdAt: new Date(row.created_at).getTime(),
    lastUsedAt: new Date(row.last_used_at).getTime(),
  };
}

/** The child token is sealed under a key only the parent's holder can derive (the parent token itself). */
function childBox(parentToken: string): SecretBox {
  return new SecretBox(
    Buffer.from(hkdfSync('sha256', parentToken, Buffer.alloc(0), 'refresh-child', 32)),
    'refresh-child',
  );
}

/**
 * Sessions (one per sign-in on one device) and their refresh-token families. Tokens are opaque and stored as
 * SHA-256 only; every use rotates; a rotated token coming back revokes the family (RFC 9700 §4.14.2) except for
 * the immediate parent of the active token within the reuse grace, which gets the active token back.
 */
export class SessionStore {
  private readonly db: Database;
  private readonly clock: Clock;
  private readonly policy: { idleTtlMs: number; absoluteTtlMs: number; graceMs: number };

  constructor(db: Database, clock: Clock, policy: SessionStore['policy']) {
    this.db = db;
    this.clock = clock;
    this.policy = policy;
  }

  async create(session: NewSession): Promise<{ session: SessionRecord; refreshToken: string }> {
    const id = randomUUID();
    const now = this.clock.now();
    const refreshToken = generateOpaqueToken('mprt');
    await this.db.transaction(async (tx) => {
      await tx.query(
        `INSERT INTO auth_sessions (id, user_id, device_id, client_id, scope, amr, acr, auth_time, created_at, last_used_at, expires_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $9, $10)`,
        [
          id,
          session.userId,
          session.deviceId,
          session.clientId,
          session.scope,
          [...session.amr],
          session.acr,
          new Date(session.authTime * 1000),
          new Date(now),
          new Date(now + this.policy.absoluteTtlMs),
        ],
      );
      await this.insertToken(tx, refreshToken, id, 0, now);
    });
    return {
      session: { ...session, id, amr: [...session.amr], createdAt: now, lastUsedAt: now },
      refreshToken,
    };
  }

  private async insertToken(tx: SqlClient, token: string, sessionId: string, generation: number, now: number) {
    await tx.query(
      `INSERT INTO auth_refresh_tokens (token_hash, session_id, generation, state, created_at, expires_at)
       VALUES ($1, $2, $3, 'active', $4, $5)`,
      [hashToken(token), sessionId, generation, new Date(now), new Date(now + this.policy.idleTtlMs)],
    );
  }

  async refresh(presented: string, clientId: string): Promise<RefreshOutcome> {
    const now = this.clock.now();
    const presentedHash = hashToken(presented);
    const { rows: owners } = await this.db.query<{ session_id: string }>(
      'SELECT session_id::text AS session_id FROM auth_refresh_tokens WHERE token_hash = $1',
      [presentedHash],
    );
    const owner = owners[0];
    if (owner === undefined) return { kind: 'refused', reason: 'unknown' };
    return this.db.transaction(async (tx) => {
      // Every change to a family happens under its session's row lock, taken first: concurrent presentations of
      // one token serialise (the second sees `rotated` and replays), and lock order cannot deadlock. Each read
      // below is its own statement, so under READ COMMITTED it sees what the previous holder committed.
      const sessionRow = await this.lockSession(tx, owner.session_id);
      if (sessionRow === undefined) return { kind: 'refused', reason: 'unknown' } as const;
      const { rows } = await tx.query<{
        generation: number;
        state: 'active' | 'rotated' | 'revoked';
        expires_at: Date;
        rotated_at: Date | null;
        child_hash: Buffer | null;
        child_sealed: string | null;
      }>(
        `SELECT generation, state, expires_at, rotated_at, child_hash, child_sealed FROM auth_refresh_tokens
          WHERE token_hash = $1`,
        [presentedHash],
      );
      const token = rows[0];
      if (token === undefined) return { kind: 'refused', reason: 'unknown' } as const;
      const { rows: children } = await tx.query<{ state: 'active' | 'rotated' | 'revoked' }>(
        'SELECT state FROM auth_refresh_tokens WHERE token_hash = $1',
        [token.child_hash],
      );
      const childState = children[0]?.state;
      const session = toSession(sessionRow);
      const decision = decideRefresh(
        {
          state: token.state,
          expiresAt: new Date(token.expires_at).getTime(),
          rotatedAt: token.rotated_at === null ? undefined : new Date(token.rotated_at).getTime(),
          childState,
        },
        {
          revoked: sessionRow.revoked_at !== null || sessionRow.device_revoked_at !== null,
          expiresAt: new Date(sessionRow.expires_at).getTime(),
          clientId: sessionRow.client_id,
        },
        { clientId, now, graceMs: this.policy.graceMs },
      );
      switch (decision.kind) {
        case 'reject':
          return { kind: 'refused', reason: decision.reason } as const;
        case 'reuse-detected':
          await this.revokeWithin(tx, session.id, 'refresh-token-reuse', now);
          return { kind: 'reuse-detected', session } as const;
        case 'replay-child': {
          const child =
            token.child_sealed === null ? undefined : childBox(presented).open(token.child_sealed, session.id);
          if (child === undefined) {
            await this.revokeWithin(tx, session.id, 'refresh-token-reuse', now);
            return { kind: 'reuse-detected', session } as const;
          }
          return { kind: 'replayed', session, refreshToken: child } as const;
        }
        case 'rotate': {
          const child = generateOpaqueToken('mprt');
          await this.insertToken(tx, child, session.id, token.generation + 1, now);
          await tx.query(
            `UPDATE auth_refresh_tokens SET state = 'rotated', rotated_at = $2, child_hash = $3, child_sealed = $4
              WHERE token_hash = $1`,
            [hashToken(presented), new Date(now), hashToken(child), childBox(presented).seal(child, session.id)],
          );
          await tx.query('UPDATE auth_sessions SET last_used_at = $2 WHERE id = $1', [session.id, new Date(now)]);
          await tx.query('UPDATE auth_devices SET last_seen_at = $2 WHERE id = $1', [session.deviceId, new Date(now)]);
          return { kind: 'rotated', session: { ...session, lastUsedAt: now }, refreshToken: child } as const;
        }
      }
    });
  }

  private async lockSession(tx: SqlClient, id: string): Promise<SessionRow | undefined> {
    const { rows } = await tx.query<SessionRow>(
      `SELECT ${SESSION_COLUMNS} FROM auth_sessions s JOIN auth_devices d ON d.id = s.device_id WHERE s.id = $1 FOR UPDATE OF s`,
      [id],
    );
    return rows[0];
  }

  private async revokeWithin(tx: SqlClient, sessionId: string, reason: string, now: number): Promise<void> {
    await tx.query(
      'UPDATE auth_sessions SET revoked_at = COALESCE(revoked_at, $2), revoke_reason = COALESCE(revoke_reason, $3) WHERE id = $1',
      [sessionId, new Date(now), reason],
    );
    await tx.query(`UPDATE auth_refresh_tokens SET state = 'revoked', child_sealed = NULL WHERE session_id = $1`, [
      sessionId,
    ]);
    // Delivered when this transaction commits: the api component stops honouring the session's access tokens and
    // closes its streams (docs/decisions/0750). Revocations are rare, so the notify lock on commit costs nothing.
    await tx.query('SELECT pg_notify($1, $2)', [SESSION_REVOKED_CHANNEL, sessionId]);
  }

  /** Revokes a session; with `userId`, only if it belongs to that user. Returns whether one was revoked. */
  async revoke(sessionId: string, reason: string, userId?: string): Promise<boolean> {
    return this.db.transaction(async (tx) => {
      const { rows } = await tx.query<{ id: string }>(
        `SELECT id::text AS id FROM auth_sessions WHERE id = $1 AND ($2::uuid IS NULL OR user_id = $2::uuid) AND revoked_at IS NULL FOR UPDATE`,
        [sessionId, userId ?? null],
      );
      if (rows.length === 0) return false;
      await this.revokeWithin(tx, sessionId, reason, this.clock.now());
      return true;
    });
  }

  /** RFC 7009: revoking a refresh token ends its session. Unknown tokens are not an error. */
  async revokeByRefreshToken(token: string, clientId: string): Promise<SessionRecord | undefined> {
    const { rows } = await this.db.query<SessionRow>(
      `SELECT ${SESSION_COLUMNS} FROM auth_refresh_tokens t JOIN auth_sessions s ON s.id = t.session_id
         JOIN auth_devices d ON d.id = s.device_id WHERE t.token_hash = $1`,
      [hashToken(token)],
    );
    const row = rows[0];
    if (row === undefined || row.client_id !== clientId) return undefined;
    await this.revoke(row.id, 'revoked-by-client');
    return toSession(row);
  }

  async revokeAllForUser(userId: string, reason: string): Promise<void> {
    const { rows } = await this.db.query<{ id: string }>(
      'SELECT id::text AS id FROM auth_sessions WHERE user_id = $1 AND revoked_at IS NULL',
      [userId],
    );
    for (const row of rows) await this.revoke(row.id, reason);
  }

  async revokeAllForDevice(deviceId: string, reason: string): Promise<void> {
    const { rows } = await this.db.query<{ id: string }>(
      'SELECT id::text AS id FROM auth_sessions WHERE device_id = $1 AND revoked_at IS NULL',
      [deviceId],
    );
    for (const row of rows) await this.revoke(row.id, reason);
  }

  async isActive(sessionId: string): Promise<boolean> {
    const { rows } = await this.db.query<{ ok: boolean }>(
      `SELECT (s.revoked_at IS NULL AND d.revoked_at IS NULL AND s.expires_at > $2) AS ok
         FROM auth_sessions s JOIN auth_devices d ON d.id = s.device_id WHERE s.id = $1`,
      [sessionId, new Date(this.clock.now())],
    );
    return rows[0]?.ok === true;
  }

  async get(sessionId: string): Promise<SessionRecord | undefined> {
    const { rows } = await this.db.query<SessionRow>(
      `SELECT ${SESSION_COLUMNS} FROM auth_sessions s JOIN auth_devices d ON d.id = s.device_id WHERE s.id = $1`,
      [sessionId],
    );
    return rows[0] === undefined ? undefined : toSession(rows[0]);
  }

  async listActive(userId: string): Promise<SessionRecord[]> {
    const { rows } = await this.db.query<SessionRow>(
      `SELECT ${SESSION_COLUMNS} FROM auth_sessions s JOIN auth_devices d ON d.id = s.device_id
        WHERE s.user_id = $1 AND s.revoked_at IS NULL AND d.revoked_at IS NULL AND s.expires_at > $2
        ORDER BY s.last_used_at DESC`,
      [userId, new Date(this.clock.now())],
    );
    return rows.map(toSession);
  }

  /** Step-up: the session's authentication becomes multi-factor from now on. */
  async elevate(sessionId: string, amr: readonly string[], acr: string, authTime: number): Promise<void> {
    await this.db.query('UPDATE auth_sessions SET amr = $2, acr = $3, auth_time = $4 WHERE id = $1', [
      sessionId,
      [...amr],
      acr,
      new Date(authTime * 1000),
    ]);
  }
}
