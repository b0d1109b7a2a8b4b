import { z } from 'zod';
import { emailSettingsSchema } from '../email/email-settings.ts';
import { pushSettingsSchema } from '../push/push-settings.ts';
import { storageSettingsSchema } from '../storage/storage-settings.ts';
import { workersSettingsSchema } from '../workers/workers-settings.ts';

/** The five roles of the one runtime image (ARCHITECTURE.md, "The runtime"). */
export const COMPONENTS = ['api', 'auth', 'workers', 'push', 'storage'] as const;
export type ComponentName = (typeof COMPONENTS)[number];

const fieldName = z
  .string()
  .regex(/^[a-zA-Z][a-zA-Z0-9_]{0,62}$/, 'must start with a letter and contain only letters, digits and _');

export const fieldDeclarationSchema = z
  .object({
    type: z.enum(['string', 'number', 'integer', 'boolean', 'datetime']),
    required: z.boolean().default(false),
    maxLength: z.number().int().positive().max(1_000_000).optional(),
    minimum: z.number().optional(),
    maximum: z.number().optional(),
    description: z.string().optional(),
  })
  .strict();
export type FieldDeclaration = z.infer<typeof fieldDeclarationSchema>;

/**
 * Who may do something with a collection's documents. `owner` means the authenticated user who created the
 * document; `{ roles }` admits anyone holding one of the roles, and the owner too when `orOwner` is set.
 */
export const accessRuleSchema = z.union([
  z.enum(['public', 'authenticated', 'owner', 'nobody']),
  z.object({ roles: z.array(z.string().min(1)).min(1), orOwner: z.boolean().default(false) }).strict(),
]);
export type AccessRule = z.infer<typeof accessRuleSchema>;

const deprecationSchema = z
  .object({
    deprecatedAt: z.iso.datetime({ offset: true }),
    sunsetAt: z.iso.datetime({ offset: true }).optional(),
    link: z.url().optional(),
  })
  .strict();
export type DeprecationSettings = z.infer<typeof deprecationSchema>;

export const collectionSchema = z
  .object({
    fields: z.record(fieldName, fieldDeclarationSchema),
    access: z
      .object({
        read: accessRuleSchema.default('owner'),
        create: accessRuleSchema.default('authenticated'),
        update: accessRuleSchema.default('owner'),
        delete: accessRuleSchema.default('owner'),
      })
      .strict()
      .prefault({}),
    requireIdempotencyKey: z.boolean().default(false),
    maxPageSize: z.number().int().min(1).max(1000).default(100),
    deprecation: deprecationSchema.optional(),
  })
  .strict();
export type CollectionSettings = z.infer<typeof collectionSchema>;

const rateLimitPolicySchema = z
  .object({ limit: z.coerce.number().int().min(1), windowSeconds: z.coerce.number().int().min(1).max(86_400) })
  .strict();
export type RateLimitPolicySettings = z.infer<typeof rateLimitPolicySchema>;

const port = z.coerce.number().int().min(0).max(65_535);

export const runtimeConfigSchema = z
  .object({
    component: z.enum(COMPONENTS),
    server: z
      .object({
        host: z.string().min(1).default('0.0.0.0'),
        port: port.default(8080),
        bodyLimitBytes: z.coerce
          .number()
          .int()
          .min(1024)
          .max(64 * 1024 * 1024)
          .default(1024 * 1024),
        maxJsonDepth: z.coerce.number().int().min(2).max(512).default(32),
        compressionThresholdBytes: z.coerce.number().int().min(0).default(1024),
        shutdownTimeoutMs: z.coerce.number().int().min(0).default(25_000),
        trustProxyHops: z.coerce.number().int().min(0).max(10).default(0),
      })
      .strict()
      .prefault({}),
    identity: z
      .object({
        backend: z.string().min(1).default('local'),
        revision: z.string().min(1).default('dev'),
      })
      .strict()
      .prefault({}),
    log: z
      .object({ level: z.enum(['trace', 'debug', 'info', 'warn', 'error', 'fatal', 'silent']).default('info') })
      .strict()
      .prefault({}),
    database: z
      .object({
        url: z
          .string()
          .regex(/^postgres(ql)?:\/\//, 'must be a postgres:// or postgresql:// URL')
          .optional(),
        poolSize: z.coerce.number().int().min(1).max(200).default(10),
        pgliteDataDir: z.string().min(1).optional(),
      })
      .strict()
      .prefault({}),
    redis: z
      .object({
        url: z
          .string()
          .regex(/^rediss?:\/\//, 'must be a redis:// or rediss:// URL')
          .optional(),
        /** Prefix of every key this runtime writes; defaults to `mp:<backend>:` so backends can share a Redis. */
        keyPrefix: z.string().min(1).optional(),
      })
      .strict()
      .prefault({}),
    auth: z
      .object({
        jwksUrl: z.url().optional(),
        issuer: z.string().min(1).optional(),
        audience: z.string().min(1).optional(),
        rolesClaim: z.string().min(1).default('roles'),
        clockToleranceSeconds: z.coerce.number().int().min(0).max(300).default(5),
        /** Minimum seconds between JWKS refetches caused by tokens with an unknown `kid`. */
        jwksCooldownSeconds: z.coerce.number().min(0).max(3600).default(30),
        /** Verified tokens remembered until their `exp` (0: verify the signature on every request). */
        verifiedTokenCacheSize: z.coerce.number().int().min(0).max(1_000_000).default(10_000),
        apiKeys: z
          .array(
            z
              .object({ name: z.string().min(1), sha256: z.string().regex(/^[a-f0-9]{64}$/, 'must be a hex SHA-256') })
              .strict(),
          )
          .default([]),
      })
      .strict()
      .prefault({})
      .superRefine((auth, ctx) => {
        if (auth.jwksUrl === undefined) return;
        if (auth.issuer === undefined)
          ctx.addIssue({ code: 'custom', path: ['issuer'], message: 'required with jwksUrl' });
        if (auth.audience === undefined)
          ctx.addIssue({ code: 'custom', path: ['audience'], message: 'required with jwksUrl' });
      }),
    rateLimits: z
      .object({
        ip: rateLimitPolicySchema.nullable().default({ limit: 600, windowSeconds: 60 }),
        user: rateLimitPolicySchema.nullable().default({ limit: 300, windowSeconds: 60 }),
        apiKey: rateLimitPolicySchema.nullable().default({ limit: 6000, windowSeconds: 60 }),
      })
      .strict()
      .prefault({}),
    api: z.object({ deprecation: deprecationSchema.optional() }).strict().prefault({}),
    /** Feature flags (api component): a flagd flag-definition file, hot-reloaded; the operator mounts it. */
    flags: z
      .object({
        /** Path of the flag configuration (flagd format); without it the api serves an empty flag set. */
        file: z.string().min(1).optional(),
        /** Seconds between re-reads of the file, besides the directory watch. */
        pollSeconds: z.coerce.number().int().min(1).max(300).default(5),
        /** Open change streams (SSE) one server accepts. */
        maxEventStreamClients: z.coerce.number().int().min(0).max(1_000_000).default(10_000),
        /** OFREP `inactivityDelaySec`: how long a hidden web client keeps its change stream. */
        inactivityDelaySeconds: z.coerce.number().int().min(0).max(86_400).default(120),
      })
      .strict()
      .prefault({}),
    collections: z.record(fieldName, collectionSchema).default({}),
    workers: workersSettingsSchema.prefault({}),
    email: emailSettingsSchema.prefault({}),
    push: pushSettingsSchema.prefault({}),
    storage: storageSettingsSchema.prefault({}),
  })
  .strict();

export type RuntimeConfig = z.infer<typeof runtimeConfigSchema>;
export type RuntimeConfigInput = z.input<typeof runtimeConfigSchema>;
