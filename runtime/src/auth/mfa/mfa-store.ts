import type { Database } from '../../data/database.ts';
import type { Clock } from '../clock.ts';
import { generateOpaqueToken, hashToken } from '../crypto/opaque-token.ts';
import { SecretBox } from '../crypto/secret-box.ts';
import { matchTotpStep, newTotpSecret } from './totp-policy.ts';

const RECOVERY_CODE_COUNT = 10;

/**
 * TOTP secrets (AES-GCM sealed, bound to the user id) and single-use recovery codes (SHA-256 only). A secret is
 * pending until the user proves their app has it by entering one code.
 */
export class MfaStore {
  private readonly db: Database;
  private readonly box: SecretBox;
  private readonly clock: Clock;

  constructor(db: Database, encryptionKey: string, clock: Clock) {
    this.db = db;
    this.box = new SecretBox(encryptionKey, 'totp-secrets');
    this.clock = clock;
  }

  /** Starts (or restarts) enrolment; refused by the caller when a confirmed factor exists. */
  async begin(userId: string): Promise<string> {
    const secret = newTotpSecret();
    await this.db.query(
      `INSERT INTO auth_totp (user_id, secret_sealed) VALUES ($1, $2)
       ON CONFLICT (user_id) DO UPDATE SET secret_sealed = EXCLUDED.secret_sealed, confirmed_at = NULL, last_used_step = 0
       WHERE auth_totp.confirmed_at IS NULL`,
      [userId, this.box.seal(secret, userId)],
    );
    return secret;
  }

  async isEnabled(userId: string): Promise<boolean> {
    const { rows } = await this.db.query('SELECT 1 FROM auth_totp WHERE user_id = $1 AND confirmed_at IS NOT NULL', [
      userId,
    ]);
    return rows.length > 0;
  }

  /**
   * Checks a code (pending or confirmed factor, as asked) and consumes its time step atomically, so a code
   * cannot be replayed even by two parallel requests.
   */
  async verifyCode(userId: string, code: string, factor: 'pending' | 'confirmed'): Promise<boolean> {
    return this.db.transaction(async (tx) => {
      const { rows } = await tx.query<{ secret_sealed: string; last_used_step: string; confirmed_at: Date | null }>(
        'SELECT secret_sealed, last_used_step, confirmed_at FROM auth_totp WHERE user_id = $1 FOR UPDATE',
        [userId],
      );
      const row = rows[0];
      if (row === undefined || (factor === 'confirmed') !== (row.confirmed_at !== null)) return false;
      const secret = this.box.open(row.secret_sealed, userId);
      if (secret === undefined) return false;
      const step = matchTotpStep(secret, code.trim(), this.clock.now(), Number(row.last_used_step));
      if (step === undefined) return false;
      await tx.query(
        `UPDATE auth_totp SET last_used_step = $2, confirmed_at = COALESCE(confirmed_at, $3) WHERE user_id = $1`,
        [userId, step, new Date(this.clock.now())],
      );
      return true;
    });
  }

  /** Replaces the recovery codes; returns them once, in clear, for the user to store. */
  async newRecoveryCodes(userId: string): Promise<string[]> {
    const codes = Array.from({ length: RECOVERY_CODE_COUNT }, () => generateOpaqueToken('mpmc', 10));
    await this.db.transaction(async (tx) => {
      await tx.query('DELETE FROM auth_recovery_codes WHERE user_id = $1', [userId]);
      for (const code of codes)
        await tx.query('INSERT INTO auth_recovery_codes (user_id, code_hash) VALUES ($1, $2)', [
          userId,
          hashToken(code),
        ]);
    });
    return codes;
  }

  async useRecoveryCode(userId: string, code: string): Promise<boolean> {
    const { rows } = await this.db.query(
      `UPDATE auth_recovery_codes SET used_at = $3 WHERE user_id = $1 AND code_hash = $2 AND used_at IS NULL RETURNING 1`,
      [userId, hashToken(code.trim()), new Date(this.clock.now())],
    );
    return rows.length > 0;
  }

  async disable(userId: string): Promise<void> {
    await this.db.transaction(async (tx) => {
      await tx.query('DELETE FROM auth_totp WHERE user_id = $1', [userId]);
      await tx.query('DELETE FROM auth_recovery_codes WHERE user_id = $1', [userId]);
    });
  }
}
