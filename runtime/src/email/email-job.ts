import { z } from 'zod';

/** The queue the auth component writes mails to and the workers component sends them from. */
export const EMAIL_TASK = 'email-send';

export const emailJobSchema = z
  .object({
    kind: z.enum(['verify-email', 'reset-password', 'account-exists', 'password-changed', 'mfa-changed']),
    to: z.email(),
    /** The one-time token, sealed (OutboxTokenSealer); only mails with a link carry one. */
    sealedToken: z.string().min(1).optional(),
  })
  .strict();
export type EmailJob = z.infer<typeof emailJobSchema>;
