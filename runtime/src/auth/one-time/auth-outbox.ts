import type { Database, SqlClient } from '../../data/database.ts';
import { EMAIL_TASK, emailJobSchema } from '../../email/email-job.ts';
import type { EmailJob } from '../../email/email-job.ts';
import type { OutboxTokenSealer } from '../../email/outbox-token-sealer.ts';
import type { Logger } from '../../platform/logger.ts';
import { JobQueue } from '../../workers/job-queue.ts';
import type { OneTimePurpose, OneTimeTokenStore } from './one-time-token-store.ts';

export type OutboxKind = EmailJob['kind'];

export interface OutboxMessage {
  id: string;
  kind: OutboxKind;
  recipient: string;
  payload: Record<string, unknown>;
}

/**
 * The auth mails as `email-send` jobs for the workers component (docs/decisions/0401-auth-mail-as-jobs.md).
 * A mail with a link is enqueued in the same transaction that issues its one-time token, so the job exists if
 * and only if the token does; the job carries the token sealed, the database only its hash.
 */
export class AuthOutbox {
  private readonly queue: JobQueue;
  private readonly db: Database;
  private readonly sealer: OutboxTokenSealer;

  constructor(options: { db: Database; logger: Logger; sealer: OutboxTokenSealer }) {
    this.db = options.db;
    this.sealer = options.sealer;
    this.queue = new JobQueue({
      database: options.db,
      logger: options.logger,
      role: 'producer',
      poolSize: 2,
    });
    this.queue.register<EmailJob>({
      name: EMAIL_TASK,
      parse: (data) => emailJobSchema.parse(data),
      handle: () => Promise.reject(new Error('the auth component only enqueues mail')),
    });
  }

  /** Installs the job schema; the auth component's start() waits for it. */
  start(): Promise<void> {
    return this.queue.declareAll();
  }

  /** A mail without a link (account exists, password changed, MFA changed). */
  async enqueue(kind: OutboxKind, recipient: string, tx?: SqlClient): Promise<void> {
    await this.queue.enqueue(EMAIL_TASK, { kind, to: recipient }, tx === undefined ? {} : { tx });
  }

  /** Issues a one-time token and enqueues the mail carrying it, in one transaction. */
  async enqueueWithToken(
    kind: OneTimePurpose,
    recipient: string,
    userId: string,
    tokens: OneTimeTokenStore,
  ): Promise<void> {
    await this.db.transaction(async (tx) => {
      const token = await tokens.issue(userId, kind, tx);
      await this.queue.enqueue(
        EMAIL_TASK,
        { kind, to: recipient, sealedToken: this.sealer.seal(token, recipient) },
        { tx },
      );
    });
  }

  /** Mails not yet picked up by a worker, oldest first, tokens opened (tests and diagnostics). */
  async pending(recipient?: string): Promise<OutboxMessage[]> {
    const jobs = await this.queue.queued(EMAIL_TASK);
    return jobs
      .map((job) => ({ id: job.id, data: emailJobSchema.parse(job.data) }))
      .filter(({ data }) => recipient === undefined || data.to === recipient)
      .map(({ id, data }) => ({
        id,
        kind: data.kind,
        recipient: data.to,
        payload: data.sealedToken === undefined ? {} : { token: this.sealer.open(data.sealedToken, data.to) ?? null },
      }));
  }

  close(): Promise<void> {
    return this.queue.stop(1000);
  }
}
