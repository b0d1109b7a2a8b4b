import nodemailer from 'nodemailer';
import type { Transporter } from 'nodemailer';
import type { EmailSettings } from './email-settings.ts';
import type { RenderedMail } from './mail-templates.ts';

export interface OutgoingMail extends RenderedMail {
  to: string;
  /** Stable per job, so a retried send carries the same Message-ID and receivers can drop the duplicate. */
  messageId: string;
}

/** An SMTP rejection the server said will not change on retry (5xx), e.g. 550 mailbox unavailable. */
export function isPermanentSmtpFailure(error: unknown): boolean {
  const code = (error as { responseCode?: unknown } | null)?.responseCode;
  return typeof code === 'number' && code >= 500 && code < 600;
}

/** Sends mail through one pooled SMTP connection (nodemailer). Credentials come from the environment. */
export class SmtpMailer {
  private readonly transport: Transporter;
  private readonly from: string;

  constructor(settings: EmailSettings, credentials: { user?: string | undefined; pass?: string | undefined } = {}) {
    const { smtp } = settings;
    this.from = settings.from;
    this.transport = nodemailer.createTransport({
      host: smtp.host,
      port: smtp.port,
      secure: smtp.secure,
      requireTLS: smtp.requireTls,
      pool: true,
      maxConnections: 2,
      connectionTimeout: smtp.connectionTimeoutMs,
      greetingTimeout: smtp.connectionTimeoutMs,
      socketTimeout: smtp.connectionTimeoutMs * 3,
      tls: { rejectUnauthorized: !smtp.allowInvalidCertificates },
      ...(credentials.user ? { auth: { user: credentials.user, pass: credentials.pass ?? '' } } : {}),
      logger: false,
    });
  }

  async send(mail: OutgoingMail): Promise<string> {
    const info = (await this.transport.sendMail({
      from: this.from,
      to: mail.to,
      subject: mail.subject,
      text: mail.text,
      html: mail.html,
      messageId: mail.messageId,
    })) as { messageId: string };
    return info.messageId;
  }

  close(): void {
    this.transport.close();
  }
}
