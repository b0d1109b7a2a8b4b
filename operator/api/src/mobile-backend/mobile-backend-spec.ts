import { z } from 'zod';
import { withCelRules } from '../schema/cel-rules.ts';
import { AuthSpecSchema } from './auth-spec.ts';
import { COMPONENT_NAMES, ComponentsSchema, type ComponentName, type ComponentSpec } from './component-spec.ts';
import { DatabaseSpecSchema } from './database-spec.ts';
import { EmailSpecSchema } from './email-spec.ts';
import { PushSpecSchema, hasPushProvider } from './push-spec.ts';
import { RateLimitsSpecSchema } from './rate-limits-spec.ts';
import { RolloutSpecSchema } from './rollout-spec.ts';
import { SecuritySpecSchema } from './security-spec.ts';
import { StorageSpecSchema } from './storage-spec.ts';

/** An image tag (`1.4.2`) or digest (`sha256:…`), as accepted after `image:` or `image@`. */
const IMAGE_VERSION = /^([A-Za-z0-9_][A-Za-z0-9_.-]{0,127}|sha256:[a-f0-9]{64})$/;

export const RuntimeSpecSchema = z
  .object({
    version: z
      .string()
      .min(1)
      .max(128)
      .regex(IMAGE_VERSION, { error: 'must be an image tag such as 1.4.2 or a digest such as sha256:<64 hex>' })
      .describe('Version of the runtime image: a tag or a sha256 digest. Changing it starts a canary rollout.'),
    image: z
      .string()
      .min(1)
      .max(255)
      .regex(/^[a-z0-9]([-a-z0-9._/:]*[a-z0-9])?$/, { error: 'must be an image repository without tag' })
      .optional()
      .describe("Image repository, without tag. Defaults to the operator's runtime image."),
  })
  .describe('The runtime image every component runs.');

export const MobileBackendSpecSchema = withCelRules(
  z
    .object({
      runtime: RuntimeSpecSchema,
      components: ComponentsSchema,
      auth: AuthSpecSchema,
      database: DatabaseSpecSchema.optional(),
      storage: StorageSpecSchema.optional(),
      push: PushSpecSchema.optional(),
      email: EmailSpecSchema.optional(),
      rateLimits: RateLimitsSpecSchema,
      security: SecuritySpecSchema,
      rollout: RolloutSpecSchema,
    })
    .describe('Desired state of the backend.'),
  [
    {
      rule: COMPONENT_NAMES.map((name) => `self.components.${name}.enabled`).join(' || '),
      message: 'components must enable at least one component',
      fieldPath: '.components',
      holds: (self) => COMPONENT_NAMES.some((name) => self.components[name].enabled),
    },
    {
      rule: '!self.components.storage.enabled || has(self.storage)',
      message: 'storage must be set when components.storage is enabled',
      fieldPath: '.storage',
      reason: 'FieldValueRequired',
      holds: (self) => !self.components.storage.enabled || self.storage !== undefined,
    },
    {
      rule:
        '!self.components.push.enabled || (has(self.push) && (has(self.push.fcm) || ' +
        '(has(self.push.apns) && has(self.push.apns.keySecretRef))))',
      message: 'push must configure fcm or apns when components.push is enabled',
      fieldPath: '.push',
      reason: 'FieldValueRequired',
      holds: (self) => !self.components.push.enabled || hasPushProvider(self.push),
    },
    // Without spec.database every pod runs its own embedded PGlite on an emptyDir: two pods of a component would
    // hold two different data sets, and a user would see one or the other at random (decision 0701).
    ...COMPONENT_NAMES.map((name) => ({
      rule:
        `has(self.database) || !self.components.${name}.enabled || ` +
        `(self.components.${name}.replicas <= 1 && !has(self.components.${name}.autoscaling))`,
      message: `components.${name} must run at most 1 replica and no autoscaling without spec.database (each pod would get its own embedded database); set spec.database to scale it`,
      fieldPath: `.components.${name}.replicas`,
      reason: 'FieldValueForbidden' as const,
      holds: (self: { database?: unknown; components: Record<ComponentName, ComponentSpec> }) =>
        self.database !== undefined ||
        !self.components[name].enabled ||
        (self.components[name].replicas <= 1 && self.components[name].autoscaling === undefined),
    })),
  ],
);

export type MobileBackendSpec = z.output<typeof MobileBackendSpecSchema>;
export type MobileBackendSpecInput = z.input<typeof MobileBackendSpecSchema>;
export type RuntimeSpec = z.output<typeof RuntimeSpecSchema>;
