import type { Database } from '../data/database.ts';
import { sqlState } from '../data/database.ts';
import type { Logger } from './logger.ts';

/** The auth component sends `NOTIFY mp_session_revoked, '<session id>'` in the transaction that revokes a session. */
export const SESSION_REVOKED_CHANNEL = 'mp_session_revoked';

/**
 * How long a revocation is remembered: the longest access-token lifetime the auth config allows (60 min) plus the
 * verifiers' largest clock tolerance (5 min). After that every token of the session has expired anyway.
 */
export const REVOCATION_RETENTION_MS = (3600 + 300) * 1000;

/**
 * The sessions revoked in the last hour, as the auth component announces them (docs/decisions/0750). Components
 * that verify access tokens (the api) ask it on every request (a map lookup) and watch it for open streams.
 * It learns revocations from PostgreSQL LISTEN within milliseconds of the revoking commit, and catches up from
 * `auth_sessions` when it starts and after its listening connection was lost (notifications sent meanwhile are
 * gone), so a revocation is never missed for longer than a reconnect.
 */
export class SessionRevocations {
  private readonly database: Database;
  private readonly logger: Logger;
  private readonly now: () => number;
  /** Session id → revoked at (ms). */
  private readonly revoked = new Map<string, number>();
  private readonly watchers = new Map<string, Set<() => void>>();
  private started: Promise<void> | undefined;
  private unlisten: (() => Promise<void>) | undefined;
  private sweeper: NodeJS.Timeout | undefined;

  constructor(database: Database, logger: Logger, now: () => number = Date.now) {
    this.database = database;
    this.logger = logger;
    this.now = now;
  }

  /** LISTEN first, then read what was revoked before: nothing falls between the two. Idempotent. */
  start(): Promise<void> {
    this.started ??= (async () => {
      this.unlisten = await this.database.listen(
        SESSION_REVOKED_CHANNEL,
        (sessionId) => this.add(sessionId, this.now()),
        () => void this.catchUp(),
      );
      await this.catchUp();
      this.sweeper = setInterval(() => this.sweep(), 60_000);
      this.sweeper.unref();
    })();
    return this.started;
  }

  isRevoked(sessionId: string): boolean {
    return this.revoked.has(sessionId);
  }

  /** Calls `onRevoked` once when the session is revoked (at once if it already is); returns the unsubscribe. */
  watch(sessionId: string, onRevoked: () => void): () => void {
    if (this.revoked.has(sessionId)) {
      queueMicrotask(onRevoked);
      return () => undefined;
    }
    let set = this.watchers.get(sessionId);
    if (set === undefined) this.watchers.set(sessionId, (set = new Set()));
    set.add(onRevoked);
    return () => {
      set.delete(onRevoked);
      if (set.size === 0) this.watchers.delete(sessionId);
    };
  }

  private add(sessionId: string, revokedAt: number): void {
    if (sessionId === '' || this.revoked.has(sessionId)) return;
    this.revoked.set(sessionId, revokedAt);
    const watchers = this.watchers.get(sessionId);
    this.watchers.delete(sessionId);
    for (const onRevoked of watchers ?? []) onRevoked();
  }

  private async catchUp(): Promise<void> {
    try {
      const { rows } = await this.database.query<{ id: string; revoked_at: Date }>(
        'SELECT id::text AS id, revoked_at FROM auth_sessions WHERE revoked_at > $1',
        [new Date(this.now() - REVOCATION_RETENTION_MS)],
      );
      for (const row of rows) this.add(row.id, new Date(row.revoked_at).getTime());
    } catch (error) {
      // 42P01: no auth component has migrated this database yet, so no session exists to be revoked.
      if (sqlState(error) !== '42P01') this.logger.warn({ err: error }, 'could not read revoked sessions');
    }
  }

  private sweep(): void {
    const horizon = this.now() - REVOCATION_RETENTION_MS;
    for (const [id, at] of this.revoked) if (at < horizon) this.revoked.delete(id);
  }

  get size(): number {
    return this.revoked.size;
  }

  async close(): Promise<void> {
    clearInterval(this.sweeper);
    await this.started?.catch(() => undefined);
    await this.unlisten?.();
  }
}
