import type { Database, SqlClient } from '../../data/database.ts';
import type { Clock } from '../clock.ts';
import { generateOpaqueToken, hashToken } from '../crypto/opaque-token.ts';

export type OneTimePurpose = 'verify-email' | 'reset-password';

const TTL_MS: Record<OneTimePurpose, number> = { 'verify-email': 24 * 3600 * 1000, 'reset-password': 30 * 60 * 1000 };

/**
 * Single-use links for e-mail verification and password reset: 256-bit tokens, SHA-256 stored, consumed with one
 * conditional UPDATE (so two clicks cannot both succeed), short-lived; issuing a new one invalidates older ones.
 */
export class OneTimeTokenStore {
  private readonly db: Database;
  private readonly clock: Clock;

  constructor(db: Database, clock: Clock) {
    this.db = db;
    this.clock = clock;
  }

  /** With `tx`, the token is written by the caller's transaction (the outbox enqueues its mail in the same one). */
  async issue(userId: string, purpose: OneTimePurpose, outer?: SqlClient): Promise<string> {
    const token = generateOpaqueToken('mpot');
    const now = this.clock.now();
    const write = async (tx: SqlClient) => {
      await tx.query(
        'UPDATE auth_one_time_tokens SET used_at = $3 WHERE user_id = $1 AND purpose = $2 AND used_at IS NULL',
        [userId, purpose, new Date(now)],
      );
      await tx.query(
        'INSERT INTO auth_one_time_tokens (token_hash, purpose, user_id, expires_at) VALUES ($1, $2, $3, $4)',
        [hashToken(token), purpose, userId, new Date(now + TTL_MS[purpose])],
      );
    };
    if (outer === undefined) await this.db.transaction(write);
    else await write(outer);
    return token;
  }

  /** The user id the token was issued to, if it is valid for this purpose; the token is spent either way. */
  async consume(token: string, purpose: OneTimePurpose): Promise<string | undefined> {
    const now = new Date(this.clock.now());
    const { rows } = await this.db.query<{ user_id: string }>(
      `UPDATE auth_one_time_tokens SET used_at = $3
        WHERE token_hash = $1 AND purpose = $2 AND used_at IS NULL AND expires_at > $3 RETURNING user_id::text AS user_id`,
      [hashToken(token), purpose, now],
    );
    return rows[0]?.user_id;
  }
}
