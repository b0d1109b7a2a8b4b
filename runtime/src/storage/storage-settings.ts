import { z } from 'zod';

/**
 * Who may read, upload or delete objects: the collections' access rules (`public`, `authenticated`, `owner`,
 * `nobody`, `{ roles, orOwner }`), declared here again because config-schema.ts imports this module.
 */
const accessRuleSchema = z.union([
  z.enum(['public', 'authenticated', 'owner', 'nobody']),
  z.object({ roles: z.array(z.string().min(1)).min(1), orOwner: z.boolean().default(false) }).strict(),
]);

/**
 * `storage` block of the runtime config (the MobileBackend's `storage`). Without `s3` objects live on the local
 * filesystem (the embedded default). S3 credentials are secrets: AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY (the
 * MobileBackend's `storage.credentialsSecretRef` keys), else the SDK's default chain (pod identity).
 */
export const storageSettingsSchema = z
  .object({
    s3: z
      .object({
        bucket: z.string().regex(/^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/, 'an S3 bucket name'),
        /** S3-compatible endpoint (SeaweedFS, Ceph, R2, …); AWS when absent. */
        endpoint: z.url().optional(),
        region: z.string().min(1).default('us-east-1'),
        /** Path-style URLs (`endpoint/bucket/key`), which most S3-compatible servers need. */
        forcePathStyle: z.boolean().default(false),
      })
      .strict()
      .optional(),
    /** Directory of the filesystem driver. */
    directory: z.string().min(1).default('.mobileplane/storage'),
    /** Public base URL of the storage component, for the filesystem driver's signed URLs. */
    publicUrl: z.url().optional(),
    maxObjectBytes: z.coerce
      .number()
      .int()
      .min(1)
      .max(5 * 1024 ** 3)
      .default(25 * 1024 * 1024),
    /** Media types clients may declare; `type/*` allows a whole type. */
    allowedContentTypes: z
      .array(z.string().regex(/^[a-z]+\/([a-z0-9.+-]+|\*)$/, 'a media type like image/png or image/*'))
      .default(['image/*', 'video/mp4', 'audio/mpeg', 'application/pdf', 'text/plain', 'application/json']),
    /** Lifetime of presigned upload and download URLs. */
    urlTtlSeconds: z.coerce
      .number()
      .int()
      .min(30)
      .max(7 * 24 * 3600)
      .default(900),
    access: z
      .object({
        read: accessRuleSchema.default('owner'),
        create: accessRuleSchema.default('authenticated'),
        delete: accessRuleSchema.default('owner'),
      })
      .strict()
      .prefault({}),
  })
  .strict();
export type StorageSettings = z.infer<typeof storageSettingsSchema>;
