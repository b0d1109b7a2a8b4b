import { createHash } from 'node:crypto';
import type { Database, SqlClient } from '../data/database.ts';
import { AppError } from '../platform/error-catalog.ts';

/** How long a key is remembered (IETF httpapi idempotency-key draft; Stripe uses the same 24 hours). */
export const IDEMPOTENCY_TTL_SECONDS = 24 * 60 * 60;
/** An in-flight key whose holder died is taken over after this long. */
export const IDEMPOTENCY_LOCK_SECONDS = 60;

export interface StoredResponse {
  status: number;
  headers: Record<string, string>;
  body: string;
}

export type IdempotencyClaim = { kind: 'claimed' } | { kind: 'replay'; response: StoredResponse };

/** Hash of what makes two requests "the same": method, path and the parsed body. */
export function requestFingerprint(method: string, path: string, body: unknown): string {
  return createHash('sha256')
    .update(`${method} ${path}\n${JSON.stringify(body ?? null)}`)
    .digest('base64url');
}

export function checkIdempotencyKey(value: string): string {
  if (value.length === 0 || value.length > 255 || !/^[\x21-\x7e]+$/.test(value))
    throw new AppError('invalid-idempotency-key', 'use 1 to 255 visible ASCII characters, such as a UUID');
  return value;
}

export class IdempotencyStore {
  private readonly db: Database;

  constructor(db: Database) {
    this.db = db;
  }

  /**
   * Claims a key for a request, or says how to answer: replay of the stored response, 409 while the first request
   * is still running, 422 when the key was used for a different request. One statement claims atomically; an
   * expired key (24 h) or an abandoned claim is taken over.
   */
  async claim(scope: string, key: string, fingerprint: string): Promise<IdempotencyClaim> {
    for (let attempt = 0; attempt < 3; attempt++) {
      const { rows: claimed } = await this.db.query(
        `INSERT INTO mp_idempotency_keys AS k (scope, key, fingerprint, state, locked_until, expires_at)
         VALUES ($1, $2, $3, 'in_flight', now() + make_interval(secs => $4), now() + make_interval(secs => $5))
         ON CONFLICT (scope, key) DO UPDATE SET fingerprint = excluded.fingerprint, state = 'in_flight', status = NULL,
           headers = NULL, body = NULL, locked_until = excluded.locked_until, expires_at = excluded.expires_at
         WHERE k.expires_at < now()
            OR (k.state = 'in_flight' AND k.locked_until < now() AND k.fingerprint = excluded.fingerprint)
         RETURNING 1 AS claimed`,
        [scope, key, fingerprint, IDEMPOTENCY_LOCK_SECONDS, IDEMPOTENCY_TTL_SECONDS],
      );
      if (claimed.length > 0) return { kind: 'claimed' };
      const { rows } = await this.db.query<{
        fingerprint: string;
        state: string;
        status: number | null;
        headers: Record<string, string> | null;
        body: string | null;
      }>('SELECT fingerprint, state, status, headers, body FROM mp_idempotency_keys WHERE scope = $1 AND key = $2', [
        scope,
        key,
      ]);
      const existing = rows[0];
      if (existing === undefined) continue; // swept in between: claim again
      if (existing.fingerprint !== fingerprint)
        throw new AppError('idempotency-key-reused', 'this Idempotency-Key was used for a different request');
      if (existing.state === 'in_flight')
        throw new AppError('idempotency-key-in-use', 'the first request with this key is still in progress', {
          headers: { 'retry-after': '1' },
        });
      return {
        kind: 'replay',
        response: { status: Number(existing.status), headers: existing.headers ?? {}, body: existing.body ?? '' },
      };
    }
    throw new AppError('idempotency-key-in-use', 'the key is contended; retry', { headers: { 'retry-after': '1' } });
  }

  /** Stores the final response; called in the mutation's own transaction so both commit or neither does. */
  async complete(client: SqlClient, scope: string, key: string, response: StoredResponse): Promise<void> {
    await client.query(
      `UPDATE mp_idempotency_keys SET state = 'done', status = $3, headers = $4::jsonb, body = $5, locked_until = now()
       WHERE scope = $1 AND key = $2`,
      [scope, key, response.status, JSON.stringify(response.headers), response.body],
    );
  }

  /** Forgets a claim whose request failed without effect (validation, server error), so a retry runs again. */
  async release(scope: string, key: string): Promise<void> {
    await this.db.query(`DELETE FROM mp_idempotency_keys WHERE scope = $1 AND key = $2 AND state = 'in_flight'`, [
      scope,
      key,
    ]);
  }

  async sweepExpired(): Promise<number> {
    const { rows } = await this.db.query('DELETE FROM mp_idempotency_keys WHERE expires_at < now() RETURNING 1');
    return rows.length;
  }
}
