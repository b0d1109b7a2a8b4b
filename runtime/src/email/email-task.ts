import type { Database } from '../data/database.ts';
import type { Migration } from '../data/schema-migrations.ts';
import { PermanentJobError } from '../workers/task-definition.ts';
import type { TaskDefinition } from '../workers/task-definition.ts';
import { EMAIL_TASK, emailJobSchema } from './email-job.ts';
import type { EmailJob } from './email-job.ts';
import type { EmailSettings } from './email-settings.ts';
import { renderMail } from './mail-templates.ts';
import type { OutboxTokenSealer } from './outbox-token-sealer.ts';
import { isPermanentSmtpFailure } from './smtp-mailer.ts';
import type { SmtpMailer } from './smtp-mailer.ts';

/** Jobs already handed to the SMTP server: a retried job (lost lease after sending) does not send again. */
export const EMAIL_MIGRATIONS: readonly Migration[] = [
  {
    version: 400,
    name: 'email: sent-mail ledger',
    sql: `
      CREATE TABLE mp_email_deliveries (
        job_id uuid PRIMARY KEY,
        kind text NOT NULL,
        message_id text NOT NULL,
        sent_at timestamptz NOT NULL DEFAULT now()
      );
    `,
  },
];

const LINK_PATH: Partial<Record<EmailJob['kind'], string>> = {
  'verify-email': '/verify-email',
  'reset-password': '/reset-password',
};

/**
 * The `email-send` task: opens the sealed one-time token, renders the mail (text + HTML) and sends it by SMTP.
 * Idempotent by job id (the ledger); the Message-ID is derived from the job id, so the one send that can repeat
 * (SMTP accepted, then the worker died before writing the ledger) carries the same Message-ID. 5xx replies and
 * tokens that do not open are permanent: the job is dead-lettered, never retried.
 */
export function createEmailTask(options: {
  database: Database;
  mailer: SmtpMailer;
  sealer: OutboxTokenSealer | undefined;
  settings: EmailSettings;
  onSent?: (kind: EmailJob['kind']) => void;
}): TaskDefinition<EmailJob> {
  const { database, mailer, sealer, settings } = options;
  const host = new URL(settings.linkBaseUrl).hostname || 'mobileplane';
  return {
    name: EMAIL_TASK,
    parse: (data) => emailJobSchema.parse(data),
    retry: { limit: 10, baseDelaySeconds: 5, maxDelaySeconds: 1800 },
    leaseSeconds: 120,
    async handle({ id, data }) {
      const { rows } = await database.query('SELECT 1 FROM mp_email_deliveries WHERE job_id = $1', [id]);
      if (rows.length > 0) return;
      let link: string | undefined;
      const path = LINK_PATH[data.kind];
      if (path !== undefined) {
        if (data.sealedToken === undefined) throw new PermanentJobError(`${data.kind} mail without a token`);
        if (sealer === undefined) throw new Error('no outbox key configured (MOBILEPLANE_OUTBOX_KEY)');
        const token = sealer.open(data.sealedToken, data.to);
        if (token === undefined) throw new PermanentJobError('the sealed token does not open with this key');
        const url = new URL(path, settings.linkBaseUrl);
        url.searchParams.set('token', token);
        link = url.toString();
      }
      const mail = renderMail(data.kind, { productName: settings.productName, link });
      const messageId = `<${id}@${host}>`;
      try {
        await mailer.send({ ...mail, to: data.to, messageId });
      } catch (error) {
        if (isPermanentSmtpFailure(error)) throw new PermanentJobError(`SMTP refused: ${(error as Error).message}`);
        throw error;
      }
      await database.query(
        'INSERT INTO mp_email_deliveries (job_id, kind, message_id) VALUES ($1, $2, $3) ON CONFLICT DO NOTHING',
        [id, data.kind, messageId],
      );
      options.onSent?.(data.kind);
    },
  };
}
