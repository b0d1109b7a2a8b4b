import type { Database } from '../../data/database.ts';

export type OutboxKind = 'verify-email' | 'reset-password' | 'account-exists' | 'password-changed';

export interface OutboxMessage {
  id: string;
  kind: OutboxKind;
  recipient: string;
  payload: Record<string, unknown>;
}

/**
 * Transactional outbox for e-mails the workers component delivers (it claims rows with FOR UPDATE SKIP LOCKED,
 * sends, sets `sent_at` and clears the payload's token). The payload is the only place a one-time token exists
 * in clear, for as long as it takes to send it.
 */
export class AuthOutbox {
  private readonly db: Database;

  constructor(db: Database) {
    this.db = db;
  }

  async enqueue(kind: OutboxKind, recipient: string, payload: Record<string, unknown>): Promise<void> {
    await this.db.query('INSERT INTO auth_outbox (kind, recipient, payload) VALUES ($1, $2, $3)', [
      kind,
      recipient,
      JSON.stringify(payload),
    ]);
  }

  /** Unsent messages, oldest first (used by workers and by tests). */
  async pending(recipient?: string): Promise<OutboxMessage[]> {
    const { rows } = await this.db.query<{
      id: string;
      kind: OutboxKind;
      recipient: string;
      payload: Record<string, unknown> | string;
    }>(
      `SELECT id::text AS id, kind, recipient, payload FROM auth_outbox
        WHERE sent_at IS NULL AND ($1::text IS NULL OR recipient = $1) ORDER BY id`,
      [recipient ?? null],
    );
    return rows.map((r) => ({
      ...r,
      payload: typeof r.payload === 'string' ? (JSON.parse(r.payload) as Record<string, unknown>) : r.payload,
    }));
  }
}
