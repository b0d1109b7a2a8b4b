import { z } from 'zod';
import { secretReference } from '../schema/secret-key-selector.ts';

export const EmailSpecSchema = z
  .object({
    from: z.string().min(3).max(320).describe('From: of the auth mails, for example "Ride <no-reply@ride.example>".'),
    linkBaseURL: z
      .string()
      .max(2048)
      .regex(/^https?:\/\/[^\s]+$/, { error: 'must be an http:// or https:// URL' })
      .describe(
        "Base of the links in mails (/verify-email?token=…, /reset-password?token=…): the app's universal-link domain or the auth component's public URL.",
      ),
    smtp: z
      .object({
        host: z
          .string()
          .min(1)
          .max(253)
          .regex(/^[A-Za-z0-9.-]+$/, { error: 'must be a host name or IP address' })
          .describe('SMTP server (submission) host.'),
        port: z.number().int().min(1).max(65535).default(587).describe('SMTP port: 587 (STARTTLS) or 465 (TLS).'),
        tls: z
          .enum(['starttls', 'implicit', 'none'])
          .default('starttls')
          .describe(
            'starttls: require STARTTLS; implicit: TLS from the first byte (port 465); none: plain (tests only).',
          ),
        credentialsSecretRef: secretReference('Secret with the keys SMTP_USERNAME and SMTP_PASSWORD.').optional(),
      })
      .describe('The SMTP server the workers component sends through.'),
  })
  .describe(
    'Sender of the auth mails (e-mail verification, password reset, security notices); the workers component sends them.',
  );

export type EmailSpec = z.output<typeof EmailSpecSchema>;
