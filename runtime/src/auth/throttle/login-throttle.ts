import { createHash } from 'node:crypto';
import type { Database, SqlClient } from '../../data/database.ts';
import type { Clock } from '../clock.ts';
import { throttleDelayMs } from './throttle-delay.ts';
import type { ThrottlePolicy } from './throttle-delay.ts';

/** Counters older than this are forgotten. */
const DECAY_MS = 24 * 3600 * 1000;

export type ThrottleTicket = { allowed: true; keys: string[] } | { allowed: false; retryAfterSeconds: number };

/**
 * Per-account and per-IP sign-in throttling in PostgreSQL (shared by replicas). Every attempt is counted *before*
 * the password is checked, under a row lock, so a burst of parallel guesses cannot slip past the counter and burn
 * CPU on argon2; a successful sign-in forgives the account's count. Account keys are hashed e-mail addresses, the
 * same for existing and unknown accounts, so throttling reveals nothing about which accounts exist.
 */
export class LoginThrottle {
  private readonly db: Database;
  private readonly clock: Clock;
  private readonly account: ThrottlePolicy;
  private readonly ip: ThrottlePolicy;

  constructor(db: Database, clock: Clock, policies: { account: ThrottlePolicy; ip: ThrottlePolicy }) {
    this.db = db;
    this.clock = clock;
    this.account = policies.account;
    this.ip = policies.ip;
  }

  static accountKey(email: string): string {
    return `account:${createHash('sha256').update(email.trim().toLowerCase()).digest('hex')}`;
  }

  static ipKey(ip: string): string {
    return `ip:${ip}`;
  }

  async attempt(accountKey: string, ipKey: string): Promise<ThrottleTicket> {
    let now = this.clock.now();
    return this.db.transaction(async (tx) => {
      const keys = [accountKey, ipKey].sort();
      const rows = new Map<string, { failures: number; blockedUntil: number }>();
      for (const key of keys) rows.set(key, await this.lock(tx, key, now));
      // The time after the locks were granted: a request that waited must not look older than its predecessor.
      now = this.clock.now();
      const blockedUntil = Math.max(...[...rows.values()].map((r) => r.blockedUntil));
      if (blockedUntil > now)
        return { allowed: false, retryAfterSeconds: Math.max(1, Math.ceil((blockedUntil - now) / 1000)) };
      for (const key of keys) {
        const failures = (rows.get(key)?.failures ?? 0) + 1;
        const delay = throttleDelayMs(failures, key === accountKey ? this.account : this.ip);
        await tx.query(
          'UPDATE auth_login_throttle SET failures = $2, blocked_until = $3, updated_at = $4 WHERE key = $1',
          [key, failures, new Date(now + delay), new Date(now)],
        );
      }
      return { allowed: true, keys: [accountKey, ipKey] };
    });
  }

  private async lock(tx: SqlClient, key: string, now: number) {
    // One statement that creates or locks the row and returns it: no window for a concurrent delete.
    const { rows } = await tx.query<{ failures: number; blocked_until: Date; updated_at: Date }>(
      `INSERT INTO auth_login_throttle (key, failures, blocked_until, updated_at) VALUES ($1, 0, $2, $2)
       ON CONFLICT (key) DO UPDATE SET key = EXCLUDED.key
       RETURNING failures, blocked_until, updated_at`,
      [key, new Date(now)],
    );
    const row = rows[0] as { failures: number; blocked_until: Date; updated_at: Date };
    const stale = now - new Date(row.updated_at).getTime() > DECAY_MS;
    return { failures: stale ? 0 : Number(row.failures), blockedUntil: new Date(row.blocked_until).getTime() };
  }

  /** The attempt succeeded: the account starts over, the IP gets this attempt back. */
  async succeeded(accountKey: string, ipKey: string): Promise<void> {
    await this.db.query('DELETE FROM auth_login_throttle WHERE key = $1', [accountKey]);
    await this.db.query(`UPDATE auth_login_throttle SET failures = GREATEST(failures - 1, 0) WHERE key = $1`, [ipKey]);
  }
}
