import { z } from 'zod';

/**
 * `push` block of the runtime config (the MobileBackend's `push.fcm` / `push.apns`). Credentials are secrets
 * and come from the environment (mounted Secrets): FCM_SERVICE_ACCOUNT_JSON (or _FILE) and APNS_AUTH_KEY (the
 * .p8 PEM, or APNS_AUTH_KEY_FILE).
 */
export const pushSettingsSchema = z
  .object({
    fcm: z
      .object({
        /** Firebase project id; defaults to the service account's `project_id`. */
        projectId: z.string().min(1).optional(),
        /** FCM HTTP v1 origin (tests point it at a local HTTP/2 endpoint). */
        endpoint: z.url().default('https://fcm.googleapis.com'),
      })
      .strict()
      .optional(),
    apns: z
      .object({
        teamId: z.string().regex(/^[A-Z0-9]{10}$/, 'a 10-character Apple team id'),
        keyId: z.string().regex(/^[A-Z0-9]{10}$/, 'a 10-character key id'),
        /** The app's bundle id (`apns-topic`). */
        topic: z.string().min(1),
        /** The MobileBackend's `push.apns.environment`: sandbox for development builds. */
        environment: z.enum(['production', 'sandbox']).default('production'),
        /** Overrides the environment's origin (tests point it at a local HTTP/2 endpoint). */
        endpoint: z.url().optional(),
        /** Apple accepts a provider token for 20 to 60 minutes; we renew it after this many. */
        tokenRefreshMinutes: z.coerce.number().int().min(20).max(55).default(50),
      })
      .strict()
      .optional(),
    /** Devices per send job (one fan-out batch). */
    batchSize: z.coerce.number().int().min(1).max(5000).default(500),
    /** Requests in flight per send job (HTTP/2 streams on the provider's one session). */
    streamsPerJob: z.coerce.number().int().min(1).max(1000).default(100),
    /** A fan-out or send job whose process died is taken over after this many seconds (its lease). */
    jobLeaseSeconds: z.coerce.number().int().min(2).max(3600).default(60),
    /** Send jobs one process runs at once. */
    concurrency: z.coerce.number().int().min(1).max(64).default(4),
  })
  .strict();
export type PushSettings = z.infer<typeof pushSettingsSchema>;
