import { z } from 'zod';

/**
 * `email` block of the runtime config: where the workers component sends the auth mails. SMTP credentials are
 * secrets and come from the environment (SMTP_USERNAME, SMTP_PASSWORD: a mounted Secret), never from here.
 */
export const emailSettingsSchema = z
  .object({
    /** `From:` of every mail, e.g. `Ride <no-reply@ride.example>`. */
    from: z.string().min(3).default('Mobileplane <no-reply@localhost>'),
    /** Product name in subjects and bodies. */
    productName: z.string().min(1).default('Mobileplane'),
    /**
     * Base of the links in mails; `/verify-email?token=…` and `/reset-password?token=…` are appended. Usually
     * the app's universal link domain or the auth component's public URL.
     */
    linkBaseUrl: z.url().default('http://localhost:8080'),
    smtp: z
      .object({
        host: z.string().min(1).default('localhost'),
        port: z.coerce.number().int().min(1).max(65_535).default(587),
        /** Implicit TLS (port 465). Otherwise STARTTLS is used when the server offers it. */
        secure: z.coerce.boolean().default(false),
        /** Refuse to send unless the connection is encrypted (STARTTLS required). */
        requireTls: z.coerce.boolean().default(false),
        /** Only for test servers with self-signed certificates. */
        allowInvalidCertificates: z.coerce.boolean().default(false),
        connectionTimeoutMs: z.coerce.number().int().min(100).default(10_000),
      })
      .strict()
      .prefault({}),
  })
  .strict();
export type EmailSettings = z.infer<typeof emailSettingsSchema>;
